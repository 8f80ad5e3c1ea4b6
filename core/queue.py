"""The task queue that carries OCR out of the upload: huey, embedded on SQLite.

huey's ``SqliteHuey`` keeps the queue in one file of the data folder and needs no server; the
same tasks run on Redis (``RedisHuey``) or PostgreSQL (a huey storage) when an office outgrows
one machine, by changing only ``_storage``. The queue carries work, not state: a task is
only "recognise this document", and whether it still waits is the repository's to say
(``text_status = 'ocr_pending'``). So a task lost with a consumer killed -9 is not lost
work: every consumer recognises what waits when it starts and then every minute (``sweep``),
and a task run twice finds nothing left to do.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable

from huey import SqliteHuey, crontab

from . import ocr
from .settings import Config

if TYPE_CHECKING:
    from .app import Dossier

QUEUE_FILE = "queue.sqlite3"


class TaskQueue:
    def __init__(self, config: Config, open_app: Callable[[], "Dossier"]):
        """``open_app``: opens the core, for the tasks a consumer runs."""
        self.config = config
        self.open_app = open_app
        self.huey = _storage(config)
        self._app = None
        self._lock = threading.Lock()
        self.recognise = self.huey.task(name="recognise")(self._recognise)
        self.sweep = self.huey.periodic_task(crontab(minute="*"), name="sweep")(self._sweep)
        self.huey.on_startup(name="resume")(lambda: self.sweep())

    def enqueue(self, doc_ids) -> None:
        for doc_id in doc_ids:
            self.recognise(doc_id)

    def work(self, workers: int = 1) -> None:
        """Run a consumer until SIGINT or SIGTERM (``dossier worker``, and beside ``dossier serve``)."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
        try:
            consumer.run()
        finally:
            self.close()

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None

    # ---- in a consumer ----

    def app(self) -> "Dossier":
        with self._lock:
            if self._app is None:
                self._app = self.open_app()
            return self._app

    def _recognise(self, doc_id: str) -> None:
        ocr.recognise(self.app(), doc_id)

    def _sweep(self) -> None:
        app = self.app()
        ocr.examine(app)
        for doc_id in app.repo.ocr_pending():
            ocr.recognise(app, doc_id)


def _storage(config: Config) -> SqliteHuey:
    return SqliteHuey("dossier", filename=str(config.data_dir / QUEUE_FILE), results=False)

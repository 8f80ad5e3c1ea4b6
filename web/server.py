"""Running the web app: the processes that serve it (`dossier serve`)."""
from __future__ import annotations

import sys

from core import Config, Dossier
from core.accounts import Accounts

from .security import secret_key


def serve(config: Config, *, host: str, port: int, workers: int, timeout: int) -> None:
    from gunicorn.app.base import BaseApplication

    from . import create_app

    # Once, before forking: catch up on indexing, make the secret key and the
    # accounts database, so the workers do not race to do it.
    Dossier(config).close()
    secret_key(config.data_dir)
    Accounts(config.data_dir)

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "timeout": timeout,
                               "accesslog": "-", "worker_class": "sync",
                               # no ~/.gunicorn/gunicorn.ctl: runtime data stays in the data folder
                               "control_socket_disable": True}.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(config)

    print(f"Dossier on http://{host}:{port}/ (data: {config.data_dir})", file=sys.stderr)
    Server().run()

"""What runs beside the web workers of `dossier serve`: scheduled releases go out at their time,
and alerts' outbox is delivered (retries with backoff, daily digests at their hour).

It runs in a process of its own (spawned, so nothing of the web workers' state is
copied into it), which exits when the server does, even one killed -9.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import threading

from .app import Dossier, system_clock
from .settings import Config

# At most this long between two looks for what is due (a release scheduled meanwhile by
# another process is seen within it); otherwise it wakes exactly when the next one is due.
TICK_SECONDS = 15.0
log = logging.getLogger("dossier.core")


def run(config: Config, stop: threading.Event, clock=system_clock) -> None:
    """Publish what is due, then sleep until the next release is due (or a tick), until ``stop``."""
    app = Dossier(config, catch_up=False, clock=clock)
    try:
        while not stop.is_set():
            app.publish_due()
            try:
                app.deliver_alerts()
            except Exception:           # never let a delivery problem stop scheduled releases
                log.exception("alert delivery failed")
            waits = [w for w in (app.seconds_to_next_release(), app.seconds_to_next_delivery()) if w is not None]
            stop.wait(min([TICK_SECONDS, *waits]) if waits else TICK_SECONDS)
    finally:
        app.close()


def main(config: Config, parent_pid: int) -> None:
    """The background process's entry point: stops on SIGTERM, and when its parent dies."""
    _die_with_parent(parent_pid)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C is the server's to handle
    run(config, stop)


def _die_with_parent(parent_pid: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)    # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(0)

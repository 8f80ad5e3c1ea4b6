"""The OCR consumer beside the web workers of `dossier serve` (as ``core.background`` is for releases).

A process of its own, spawned, which exits when the server does, even one killed -9.
"""
from __future__ import annotations

import signal

from .app import Dossier
from .background import _die_with_parent
from .queue import TaskQueue
from .settings import Config


def main(config: Config, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C is the server's to handle
    run(config)


def run(config: Config) -> None:
    """Consume the queue until SIGTERM (or SIGINT, when run alone as `dossier worker`)."""
    TaskQueue(config, lambda: Dossier(config, catch_up=False)).work()

"""Setting the Whoosh accelerator's switch in tests."""
from __future__ import annotations

from dossier.indexer import accelerator


def fresh_switch(monkeypatch, *, off: bool = False) -> None:
    """The accelerator as a new process finds it (undecided until an index opens);
    ``off``: with DOSSIER_WHOOSH_ACCELERATOR=off."""
    if off:
        monkeypatch.setenv(accelerator.ENV, "off")
    else:
        monkeypatch.delenv(accelerator.ENV, raising=False)
    monkeypatch.setattr(accelerator, "_switch", accelerator._Switch())


def assert_on() -> None:
    assert accelerator.is_on(), f"the accelerator switched itself off: {accelerator._switch.off_because}"

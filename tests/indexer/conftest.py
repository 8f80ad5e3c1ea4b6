"""The search tests run twice: with the Whoosh accelerator, and with Whoosh's public API alone."""
from __future__ import annotations

import os

import pytest

from dossier.indexer import accelerator, accelerator_check

from .switching import assert_on, fresh_switch

ACCELERATED, PUBLIC = "accelerated", "public"


@pytest.fixture(scope="module", params=[ACCELERATED, PUBLIC])
def search_path(request):
    """A module's tests with the accelerator on (and still on at the end), then with it off."""
    if request.param == ACCELERATED:
        if os.environ.get(accelerator.ENV, "").strip().lower() == "off":
            pytest.skip(f"{accelerator.ENV}=off")
        accelerator_check.decide()
        assert_on()
        yield request.param
        assert_on()
        return
    with pytest.MonkeyPatch.context() as monkeypatch:
        fresh_switch(monkeypatch, off=True)
        accelerator_check.decide()
        assert not accelerator.is_on()
        yield request.param

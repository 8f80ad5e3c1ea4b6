"""The HTML pages, one blueprint per area; helpers they share live beside them."""
from __future__ import annotations

from flask import current_app

from web.services import Services


def services() -> Services:
    return current_app.extensions["dossier"]

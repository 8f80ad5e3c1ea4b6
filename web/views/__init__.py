"""The HTML pages, one blueprint per area; helpers they share live beside them."""
from __future__ import annotations

from flask import current_app, g

from dossier.core import PUBLIC, Dossier, Viewer, staff


def dossier() -> Dossier:
    """The process's core: every page calls one of its use cases."""
    return current_app.extensions["dossier"]


def viewer() -> Viewer:
    """Who is asking: the signed-in staff member, or the public."""
    return staff(g.user) if g.get("user") else PUBLIC

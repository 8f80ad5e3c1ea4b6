"""The HTML pages, one blueprint per area; helpers they share live beside them."""
from __future__ import annotations

from flask import current_app, g

from dossier.core import PUBLIC, Dossier, Viewer


def dossier() -> Dossier:
    """The process's core: every page calls one of its use cases."""
    return current_app.extensions["dossier"]


def viewer() -> Viewer:
    """Who is asking: the signed-in staff member (or an API token's user), or the public; with
    the unpublished documents a preview link opened for this request."""
    name = g.get("api_user") or g.get("user")
    if name:
        return Viewer(name, g.get("api_role") or g.get("role"))
    previews = g.get("previews")
    return Viewer(previews=previews) if previews else PUBLIC

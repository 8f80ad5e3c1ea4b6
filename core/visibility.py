"""The one rule of what may be seen, and by whom: every read of the core goes through it."""
from __future__ import annotations

from dataclasses import dataclass

from dossier.repository import Document


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in staff member (by name), or the public (None)."""
    user: str | None = None

    @property
    def staff(self) -> bool:
        return self.user is not None


PUBLIC = Viewer()


def staff(name: str) -> Viewer:
    return Viewer(name)


def may_see(doc: Document, viewer: Viewer) -> bool:
    """The public sees what is not deleted; staff also see deleted documents (to restore them)."""
    return viewer.staff or not doc.deleted

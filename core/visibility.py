"""Who is asking, what they may see, and what they may do: every use case of the core goes through it."""
from __future__ import annotations

from dataclasses import dataclass, field

from dossier.repository import Document

from .errors import Forbidden

# Each role may do what the roles before it may.
ROLES = ("editor", "publisher", "admin")
# The least role each kind of change needs.
NEEDS = {
    "add": "editor", "edit": "editor", "link": "editor", "delete": "editor", "restore": "editor",
    "schedule": "editor", "publish": "publisher", "withdraw": "publisher", "override": "publisher",
    "purge": "admin", "accounts": "admin",
}


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a staff member (by name, with a role), or the public (no name). ``previews``:
    unpublished documents a shared preview link lets this viewer see as the public will."""
    user: str | None = None
    role: str | None = None
    previews: frozenset[str] = field(default_factory=frozenset)

    @property
    def staff(self) -> bool:
        return self.user is not None

    def may(self, action: str) -> bool:
        needed = NEEDS[action]
        return self.role in ROLES and ROLES.index(self.role) >= ROLES.index(needed)

    def require(self, action: str) -> None:
        if not self.may(action):
            who = f"{self.user} ({self.role})" if self.staff else "the public"
            raise Forbidden(f"{who} may not {action}: that needs the {NEEDS[action]} role.", action=action)


PUBLIC = Viewer()
# Code that runs Dossier directly (the demo, scripts, tests) as its operator.
OPERATOR = Viewer("operator", "admin")


def staff(name: str, role: str = "publisher") -> Viewer:
    return Viewer(name, role)


def may_see(doc: Document, viewer: Viewer) -> bool:
    """Staff see everything (deleted documents too, to restore them). The public sees what is
    published and not deleted, and what a preview link shows it; a withdrawn document only as
    the notice that it was withdrawn (``withdrawn``)."""
    if viewer.staff:
        return True
    if doc.deleted:
        return False
    return doc.state == "published" or doc.id in viewer.previews


def withdrawn(doc: Document, viewer: Viewer) -> bool:
    """The public is told this document was withdrawn (and why), and given nothing of it."""
    return not viewer.staff and not doc.deleted and doc.state == "withdrawn"

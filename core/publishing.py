"""Publishing as a press office works: drafts, scheduled release, publication, withdrawal.

A release and its attachments change state together, in one transaction, each
change in the audit log. A unit with text under black boxes is not published
unless a publisher overrides the check with a reason.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dossier.repository import Audit, Document, Publication

from . import alerts
from .errors import Conflict, Invalid
from .times import iso, parse_iso
from .visibility import Viewer

if TYPE_CHECKING:
    from .app import Dossier

MAX_REASON = 1000
SYSTEM = "schedule"        # who publishes a scheduled release when its time comes


def unit(app: "Dossier", doc_id: str) -> list[Document]:
    """The document and the attachments it holds, in order."""
    doc = app.repo.get(doc_id)
    return [doc, *(app.repo.get(a.id) for a in app.repo.links(doc_id).attachments)]


def publish(app: "Dossier", doc_id: str, actor: Viewer, *, at: dt.datetime | None = None,
            override: str | None = None) -> list[Document]:
    """Publish the unit now, or schedule it for ``at`` (a time to come)."""
    now = app.now()
    later = at is not None and at > now
    actor.require("schedule" if later else "publish")
    docs = unit(app, doc_id)
    check_findings(docs, actor, override)
    held = [d.id for d in docs if d.state != "published"]
    if not held:
        return docs
    publication = (Publication("scheduled", publish_at=iso(at)) if later
                   else Publication("published", published_at=iso(now)))
    action = ("schedule" if later else "publish") + (" (redaction override)" if override else "")
    app.repo.set_publication(held, publication, action, Audit(actor.user or SYSTEM, iso(now), override))
    app.indexer.index_ids(held)
    if not later:
        alerts.match(app, held)
    return unit(app, doc_id)


def check_findings(docs: list[Document], actor: Viewer, override: str | None) -> None:
    flagged = [d for d in docs if d.redaction_findings]
    if not flagged:
        return
    if override and override.strip():
        actor.require("override")
        return
    pages = "; ".join(f"{d.title}: page {', '.join(str(p) for p in sorted({p for p, _ in d.redaction_findings}))}"
                      for d in flagged)
    raise Conflict("redaction_findings",
                   f"Text can be copied out from under black boxes ({pages}). Fix the redactions and upload the "
                   "files again, or have a publisher override this check with a reason.",
                   findings={d.id: [{"page": p, "text": t} for p, t in d.redaction_findings] for d in flagged})


def withdraw(app: "Dossier", doc_id: str, reason: str, actor: Viewer) -> list[Document]:
    """Withdraw a published unit, with a reason the public reads on its notice. An attachment
    that another public release still holds stays public."""
    actor.require("withdraw")
    reason = " ".join((reason or "").split())
    if not reason:
        raise Invalid("Say why it is withdrawn: the public reads the reason on the notice.", field="reason")
    if len(reason) > MAX_REASON:
        raise Invalid(f"The reason is longer than {MAX_REASON} characters.", field="reason")
    docs = unit(app, doc_id)
    targets = [docs[0].id] + [d.id for d in docs[1:] if not _held_elsewhere(app, d.id, docs[0].id)]
    targets = [i for i in targets if app.repo.get(i).state != "withdrawn"]
    now = iso(app.now())
    app.repo.set_publication(targets, Publication("withdrawn", withdrawn_at=now, withdrawn_reason=reason),
                             "withdraw", Audit(actor.user or SYSTEM, now, reason))
    app.indexer.index_ids(targets)
    return unit(app, doc_id)


def to_draft(app: "Dossier", doc_id: str, actor: Viewer) -> list[Document]:
    """Call off a scheduled release: the unit goes back to draft."""
    actor.require("schedule")
    docs = unit(app, doc_id)
    scheduled = [d.id for d in docs if d.state == "scheduled"]
    if scheduled:
        app.repo.set_publication(scheduled, Publication("draft"), "unschedule", Audit(actor.user, iso(app.now())))
        app.indexer.index_ids(scheduled)
    return unit(app, doc_id)


def publish_due(app: "Dossier") -> list[str]:
    """Publish every scheduled document whose time has come, at that time (a release set for 9:00
    is published at 9:00 whenever the tick runs): what `dossier serve` does on its own, and every
    command before anything else. The ids published."""
    due = app.repo.due(iso(app.now()))
    by_time: dict[str, list[str]] = {}
    for doc_id in due:
        by_time.setdefault(app.repo.get(doc_id).publish_at, []).append(doc_id)
    for publish_at, ids in by_time.items():
        app.repo.set_publication(ids, Publication("published", published_at=publish_at), "publish",
                                 Audit(SYSTEM, iso(app.now()), f"scheduled for {publish_at}"))
    if due:
        app.indexer.index_ids(due)
        alerts.match(app, due)
    return due


def seconds_to_next(app: "Dossier") -> float | None:
    """How long until the next scheduled release is due (None: none is scheduled)."""
    nxt = app.repo.next_due()
    return None if nxt is None else max(0.0, (parse_iso(nxt) - app.now()).total_seconds())


def _held_elsewhere(app: "Dossier", attachment_id: str, release_id: str) -> bool:
    return any(r.id != release_id and app.repo.get(r.id).public
               for r in app.repo.links(attachment_id).attached_to)

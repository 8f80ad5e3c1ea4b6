"""Adding a release and its attachments: one unit, checked whole, stored whole or not at all.

Every part is checked (details, size, type against its name) before anything
is stored; then the originals, the rows and the links go in together
(``repository.units``); then the new documents are indexed. The answer names a
refused part and why; bytes that were already stored say which details differ.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from dossier.indexer.redaction import RedactionCheck
from dossier.repository import Audit, Document, Link, NewDocument, NotFound, Publication, Repository
from dossier.uploads.sniff import PDF
from dossier.uploads.errors import Rejected
from dossier.uploads.intake import Intake, Prepared, Upload, given

from . import alerts, ocr, provenance
from .errors import Invalid, Refused
from .provenance import typed_sources
from .pages import render_thumbnails
from .times import iso
from .visibility import OPERATOR, Viewer

if TYPE_CHECKING:
    from .app import Dossier


@dataclass(frozen=True)
class Stored:
    document: Document
    created: bool                                  # False: these bytes were already stored
    # For bytes already stored: the details sent that differ from the stored ones,
    # field -> (stored value, sent value). Nothing was changed: applying them is an edit.
    differences: Mapping[str, tuple] = field(default_factory=dict)


@dataclass(frozen=True)
class Added:
    main: Stored
    attachments: list[Stored]
    held: str | None = None         # why it was kept a draft though it was to be published

    def __iter__(self):
        """``main, attachments = dossier.add(...)``"""
        return iter((self.main, self.attachments))

@dataclass(frozen=True)
class Release:
    """How a submission goes out: at once (published), kept back (draft), or at a time (scheduled)."""
    state: str = "published"
    publish_at: dt.datetime | None = None       # scheduled: when (aware)
    override: str | None = None                  # a publisher's reason to publish despite redaction findings

    def publication(self, now: dt.datetime) -> Publication:
        if self.state == "scheduled":
            return Publication("scheduled", publish_at=iso(self.publish_at))
        if self.state == "published":
            return Publication("published", published_at=iso(now))
        return Publication("draft")


RELEASE_STATES = ("published", "draft", "scheduled")


def release_for(actor: Viewer, release: Release | None, now: dt.datetime) -> Release:
    """The release as asked, checked against the actor's role; none asked: published for those who
    may publish, a draft for the others."""
    if release is None:
        return Release() if actor.may("publish") else Release("draft")
    if release.state not in RELEASE_STATES:
        raise Invalid(f"state must be one of {', '.join(RELEASE_STATES)}, not {release.state!r}.", field="state")
    if release.state == "scheduled":
        if release.publish_at is None or release.publish_at <= now:
            raise Invalid("A scheduled release needs a publication time to come (publish_at).", field="publish_at")
        actor.require("schedule")
    elif release.state == "published":
        actor.require("publish")
    return release


def add(app: "Dossier", upload: Upload, attachments: Sequence[Upload] = (), attach_ids: Sequence[str] = (),
        *, first_kind: str | None = None, release: Release | None = None, ocr_languages: str | None = None,
        actor: Viewer = OPERATOR) -> Added:
    """Store a document (a release, typically) with its attachments, link them in order, index them;
    then OCR of the parts that need it goes on the queue (in ``ocr_languages``, else the setting's)."""
    actor.require("add")
    languages = ocr.checked_languages(ocr_languages) if ocr_languages else None
    now = app.now()
    release = release_for(actor, release, now)
    held: list[str] = []

    def review(prepared: list[Prepared]) -> tuple[list, Publication]:
        """Every PDF checked for text under black boxes before anything is stored: a unit with
        findings is kept a draft unless a publisher overrides the check (with a reason)."""
        findings = redaction_findings(app, prepared)
        flagged = [p.spooled.filename for p, f in zip(prepared, findings) if f]
        if flagged and release.state != "draft":
            if release.override:
                actor.require("override")
            else:
                held.append(f"Kept as a draft: text can be copied out from under black boxes in {', '.join(flagged)}.")
                return findings, Publication("draft")
        return findings, release.publication(now)

    stored = store_unit(app.repo, app.intake, upload, attachments, attach_ids, first_kind=first_kind,
                        review=review, audit=Audit(actor.user, iso(now), release.override))
    # Text first, then what it says of itself (court, dates...), then the index, once, with both.
    unindexed = [s.document.id for s in stored if not s.document.indexed]
    app.indexer.extract_texts(unindexed)
    changed = provenance.read_new(app, [s.document.id for s in stored if s.created])
    if unindexed or changed:
        app.indexer.index_ids(dict.fromkeys([*unindexed, *changed]))
    if languages:
        app.repo.set_ocr_languages([s.document.id for s in stored if s.created], languages)
    app.queue.enqueue(ocr.examine(app))           # acknowledged now; OCR follows in the background
    fresh = [Stored(app.repo.get(s.document.id), s.created, s.differences) for s in stored]
    # Alerts hear of what this upload made public (a new document published at once); a draft or a
    # scheduled one is matched when it is published.
    alerts.match(app, [s.document.id for s in fresh if s.created and s.document.state == "published"])
    render_thumbnails(app, [s.document for s in fresh if s.created])
    return Added(fresh[0], fresh[1:], held[0] if held else None)


REDACTION_CHECK = "dossier.indexer.redaction:check_redactions"


def redaction_findings(app: "Dossier", prepared: list[Prepared]) -> list:
    """For each part, the ((page, text), ...) that can be copied out from under black boxes, found in
    the extraction workers (their time and memory limits); None for what is no PDF or could not be
    checked."""
    pdfs = [(i, p.spooled.path, REDACTION_CHECK) for i, p in enumerate(prepared) if p.spooled.mime == PDF]
    found: list = [None] * len(prepared)
    if pdfs:
        for i, check in app.indexer.pool.call_many(pdfs):
            if isinstance(check, RedactionCheck):
                found[i] = tuple((f.page, f.text) for f in check.findings)
    return found


def store_unit(repo: Repository, intake: Intake, upload: Upload, attachments: Sequence[Upload] = (),
               attach_ids: Sequence[str] = (), *, first_kind: str | None = None,
               publication: Publication | None = None, audit: Audit | None = None,
               review: Callable[[list[Prepared]], tuple[list, Publication]] | None = None) -> list[Stored]:
    """The unit checked and stored, not yet indexed: Refused (nothing stored) if any part is refused,
    NotFound if an id to attach is not a stored document. ``review``: a last look at the checked
    parts before they are stored, giving each part's redaction findings and the publication."""
    for doc_id in attach_ids:
        repo.get(doc_id)
    uploads = [upload, *attachments]
    try:
        prepared = intake.prepare(uploads, first_kind=first_kind)
    except Rejected as exc:
        raise refusal(exc, len(uploads)) from None
    try:
        links = [Link(0, position) for position in range(1, len(prepared))] + [Link(0, i) for i in attach_ids]
        findings = [None] * len(prepared)
        if review is not None:
            findings, publication = review(prepared)
        stored = repo.store_together([NewDocument(p.meta, p.spooled, f, typed_sources(p.given))
                                      for p, f in zip(prepared, findings)], links,
                                     publication, audit)
    finally:
        intake.discard(prepared)
    return [Stored(doc, created, {} if created else differences(doc, part))
            for (doc, created), part in zip(stored, prepared)]


def precheck(repo: Repository, uploads: Sequence[Upload | None], attach_ids: Sequence[str]
             ) -> tuple[list[Refused], list[str]]:
    """Everything wrong with a submission that can be known before reading its files, all at once
    (for a form to show every error): each part whose details cannot be stored, and the ids to
    attach that are no stored document. ``None`` stands for a part still missing."""
    refused = []
    for position, upload in enumerate(uploads):
        if upload is None:
            continue
        try:
            given(upload, position)
        except Rejected as exc:
            refused.append(refusal(exc, len(uploads)))
    unknown = []
    for doc_id in attach_ids:
        try:
            repo.get(doc_id)
        except NotFound:
            unknown.append(doc_id)
    return refused, unknown


def differences(stored: Document, part: Prepared) -> dict[str, tuple]:
    """The details sent with bytes already stored that are not the stored ones."""
    out = {}
    for name, sent in part.given.items():
        kept = getattr(stored, name)
        if sent not in (None, ()) and sent != kept:
            out[name] = (kept, sent)
    return out


def refusal(exc: Rejected, parts: int) -> Refused:
    """The refusal of a part, in words that say which part and that nothing was stored."""
    if parts == 1:
        message = f"{exc.message}. Nothing was stored."
    else:
        label = "The release" if exc.part == 0 else f"Attachment {exc.part}"
        message = (f"{label}, {exc.filename}, {exc.reason}. Nothing was stored: remove or replace it "
                   "and send the release again.")
    return Refused(exc.code, message, part=exc.part, filename=exc.filename, field=exc.field, reason=exc.reason,
                   detail=exc.detail)

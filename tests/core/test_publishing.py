"""A press office's day in the core: drafts, an embargo released at its time by an injected clock,
withdrawal, roles, the redaction check's hold, and the audit log of all of it."""
from __future__ import annotations

import datetime as dt
import io
import sqlite3

import pytest

from dossier.core import (Config, Conflict, Dossier, Forbidden, Invalid, PUBLIC, Release, SearchQuery, Upload,
                          Withdrawn, staff)
from dossier.core.background import run
from dossier.repository import NotFound

UTC = dt.timezone.utc
NINE = dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC)      # 9:00 in Albuquerque


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock(NINE - dt.timedelta(hours=12))


@pytest.fixture
def app(tmp_path, clock):
    app = Dossier(Config(data_dir=tmp_path / "data", extract_workers=1, timezone="America/Denver"), clock=clock)
    yield app
    app.close()


def release(app, word: str, *, state: Release | None = None, actor=None, attachments=1):
    parts = [Upload(io.BytesIO(f"Exhibit {i} about {word}".encode()), f"exhibit-{i}.txt", {"kind": "filing"})
             for i in range(attachments)]
    added = app.add_text(f"The {word} release\nThe office sued over {word}.", {"title": f"The {word} suit"},
                         parts, release=state, **({"actor": actor} if actor else {}))
    return added.main.document, [p.document for p in added.attachments]


def found(app, word: str, viewer=PUBLIC) -> int:
    return app.search(SearchQuery(text=word), viewer).total


def test_an_embargoed_release_goes_out_with_its_attachments_at_its_time(app, clock):
    main, (exhibit,) = release(app, "aquifer", state=Release("scheduled", NINE))
    assert (main.state, exhibit.state) == ("scheduled", "scheduled")
    assert found(app, "aquifer") == 0 and found(app, "aquifer", staff("press")) == 2
    with pytest.raises(NotFound):
        app.document(exhibit.id)
    clock.now = NINE - dt.timedelta(seconds=1)
    assert app.publish_due() == []
    assert app.seconds_to_next_release() == 1.0
    clock.now = NINE + dt.timedelta(minutes=7)           # the tick came late: published at 9:00 all the same
    assert sorted(app.publish_due()) == sorted([main.id, exhibit.id])
    assert found(app, "aquifer") == 2
    assert app.document(main.id).published_at == "2026-12-02T16:00:00Z"
    assert [d.id for d in app.released(kind="release")] == [main.id]


def test_the_background_process_publishes_what_is_due_on_its_own(app, clock, tmp_path):
    import threading

    main, _ = release(app, "wells", state=Release("scheduled", NINE), attachments=0)
    clock.now = NINE
    stop = threading.Event()
    ran = threading.Thread(target=run, args=(app.config, stop, clock))
    ran.start()
    try:
        for _ in range(200):
            if app.repo.get(main.id).state == "published":
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        ran.join(10)
    assert app.repo.get(main.id).state == "published"


def test_a_command_that_opens_the_repository_publishes_what_came_due_while_nothing_ran(tmp_path, clock):
    config = Config(data_dir=tmp_path / "data", extract_workers=1)
    with Dossier(config, clock=clock) as app:
        main, _ = release(app, "levee", state=Release("scheduled", NINE), attachments=0)
    clock.now = NINE + dt.timedelta(days=1)
    with Dossier(config, clock=clock) as app:
        assert app.document(main.id).state == "published"


def test_drafts_are_published_together_and_withdrawn_with_a_notice(app):
    main, (exhibit,) = release(app, "perchlorate", state=Release("draft"))
    assert found(app, "perchlorate") == 0
    published = app.publish(main.id)
    assert {d.state for d in published} == {"published"}
    assert found(app, "perchlorate") == 2
    app.withdraw(main.id, "Filed in error; the corrected complaint follows.")
    assert found(app, "perchlorate") == 0
    with pytest.raises(Withdrawn) as info:
        app.document(exhibit.id)
    assert info.value.document.withdrawn_reason.startswith("Filed in error")
    with pytest.raises(Invalid):
        app.withdraw(main.id, "   ")


def test_an_attachment_another_public_release_holds_stays_public_when_one_is_withdrawn(app):
    first, (shared,) = release(app, "estuary")
    second, _ = release(app, "delta", attachments=0)
    app.link(second.id, shared.id, "attachment")
    app.withdraw(first.id, "Superseded")
    assert app.document(shared.id).state == "published"


def test_roles_decide_who_may_publish(app):
    editor, publisher = staff("ed", "editor"), staff("pat", "publisher")
    draft, _ = release(app, "marsh", actor=editor, attachments=0)          # an editor's upload is a draft
    assert draft.state == "draft"
    with pytest.raises(Forbidden):
        release(app, "swamp", state=Release("published"), actor=editor)
    with pytest.raises(Forbidden):
        app.publish(draft.id, actor=editor)
    app.publish(draft.id, at=NINE, actor=editor)                           # editors may schedule
    assert app.document(draft.id, editor).state == "scheduled"
    app.publish(draft.id, actor=publisher)
    with pytest.raises(Forbidden):
        app.withdraw(draft.id, "no", actor=editor)
    with pytest.raises(Forbidden):
        app.purge(actor=publisher)
    with pytest.raises(Forbidden):
        app.audit_log(viewer=PUBLIC)


def test_text_under_black_boxes_holds_publication_back_until_a_publisher_overrides(app):
    main, (exhibit,) = release(app, "sealed", state=Release("draft"))
    app.repo.set_redaction_findings(exhibit.id, [(3, "John Doe, SSN 123-45-6789")])
    with pytest.raises(Conflict) as info:
        app.publish(main.id, actor=staff("pat", "publisher"))
    assert info.value.code == "redaction_findings" and "page 3" in info.value.message
    with pytest.raises(Forbidden):
        app.publish(main.id, override="Public record already", actor=staff("ed", "editor"))
    app.publish(main.id, override="The name is public in the docket", actor=staff("pat", "publisher"))
    entry = next(e for e in app.audit_log(exhibit.id) if e.action.startswith("publish"))
    assert entry.action == "publish (redaction override)" and entry.note == "The name is public in the docket"


def test_every_change_is_in_the_append_only_audit_log(app):
    main, _ = release(app, "tailings", state=Release("draft"), actor=staff("ed", "editor"), attachments=0)
    app.update(main.id, {"date": "2018-06-19"}, actor=staff("ed", "editor"))
    app.publish(main.id, actor=staff("pat", "publisher"))
    app.delete(main.id, actor=staff("pat", "publisher"))
    actions = [(e.actor, e.action) for e in app.audit_log(main.id)]
    assert actions == [("pat", "delete"), ("pat", "publish"), ("ed", "update"), ("ed", "add")]
    update = next(e for e in app.audit_log(main.id) if e.action == "update")
    assert (update.before, update.after) == ({"date": None}, {"date": "2018-06-19"})
    with sqlite3.connect(app.repo.db_path) as conn, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit")


def test_a_scheduled_time_must_be_to_come(app, clock):
    with pytest.raises(Invalid):
        release(app, "silt", state=Release("scheduled", clock.now - dt.timedelta(minutes=1)))


@pytest.mark.corpus
def test_a_filing_with_text_under_black_boxes_is_kept_a_draft_at_upload(app, corpus):
    path = corpus / "pdf" / "filings" / "xray__rectangles_yes.pdf"
    added = app.add_text("The medical records release\nThe office files its motion.", {"title": "Records"},
                         [Upload(path, path.name, {"kind": "filing"})])
    main, (filing,) = added
    assert added.held and "xray__rectangles_yes.pdf" in added.held
    assert (main.document.state, filing.document.state) == ("draft", "draft")
    assert {page for page, _ in filing.document.redaction_findings} == {1}
    assert any("medical history" in text for _, text in filing.document.redaction_findings)
    assert found(app, "motion") == 0
    with pytest.raises(Conflict):
        app.publish(main.document.id, actor=staff("pat", "publisher"))
    app.publish(main.document.id, override="Released by the court unsealed", actor=staff("pat", "publisher"))
    assert found(app, "motion") == 1


@pytest.mark.corpus
def test_a_clean_filing_is_published_and_marked_checked(app, corpus):
    path = corpus / "pdf" / "filings" / "xray__rectangles_no.pdf"
    added = app.add(Upload(path, path.name, {"kind": "filing"}))
    assert added.held is None and added.main.document.state == "published"
    assert added.main.document.redaction_findings == ()

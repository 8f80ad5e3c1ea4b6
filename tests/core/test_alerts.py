"""Alerts over real parts: a real SMTP server on loopback (aiosmtpd), a real HTTP receiver checking
the signature, an embargo that sends nothing until its time, a draft never, SMTP down then up."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from dossier.core import Config, Dossier, Invalid, Release, Upload, staff

UTC = dt.timezone.utc
NINE = dt.datetime(2026, 12, 2, 16, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.controller = controller
    yield inbox
    controller.stop()


@pytest.fixture
def clock():
    return Clock(NINE - dt.timedelta(hours=12))


def make_app(tmp_path, clock, port):
    config = Config(data_dir=tmp_path / "data", extract_workers=1, timezone="America/Denver",
                    smtp_host="127.0.0.1", smtp_port=port, smtp_tls="none", mail_from="alerts@ag.example",
                    base_url="https://records.example.gov", webhooks_allow_private=True)
    return Dossier(config, clock=clock)


@pytest.fixture
def app(tmp_path, clock, smtp):
    app = make_app(tmp_path, clock, smtp.controller.port)
    yield app
    app.close()


def release(app, word, *, state=None, office="Office of the Attorney General"):
    added = app.add_text(f"The {word} release\nThe office sued over {word}.",
                         {"title": f"The {word} suit", "date": "2026-12-01", "office": office},
                         [Upload(io.BytesIO(f"Exhibit {abs(hash(word))}".encode()), "exhibit.txt", {"kind": "filing"})],
                         release=state)
    return added.main.document


def confirmed(app, smtp, q, frequency="immediate", **extra):
    alert = app.subscribe("Reporter@Paper.example", {"q": q, **extra}, frequency, client="10.0.0.1")
    app.deliver_alerts()
    mail = smtp.messages[-1]
    assert mail["Subject"] == "Confirm your alert"
    assert f"/alerts/confirm/{alert.confirm_token}" in mail.get_body(("plain",)).get_content()
    return app.confirm_alert(alert.confirm_token)


def test_double_opt_in_then_one_message_per_matching_publication(app, smtp):
    alert = app.subscribe("reporter@paper.example", {"q": "aquifer"}, client="10.0.0.1")
    release(app, "aquifer")                      # not confirmed yet: nothing but the confirmation
    app.deliver_alerts()
    assert [m["Subject"] for m in smtp.messages] == ["Confirm your alert"]
    app.confirm_alert(alert.confirm_token)
    release(app, "pipeline")                     # does not match
    main = release(app, "aquifer water")
    app.deliver_alerts()
    assert len(smtp.messages) == 2
    mail = smtp.messages[1]
    assert mail["To"] == "reporter@paper.example"
    assert "The aquifer water suit" in mail["Subject"]
    assert mail["List-Unsubscribe"] == f"<https://records.example.gov/alerts/unsubscribe/{alert.manage_token}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f"https://records.example.gov/documents/{main.id}" in text and main.id in html
    assert f"/alerts/manage/{alert.manage_token}" in text
    app.deliver_alerts()
    assert len(smtp.messages) == 2               # sent once
    app.unsubscribe(alert.manage_token)
    release(app, "aquifer again")
    app.deliver_alerts()
    assert len(smtp.messages) == 2


def test_filters_and_dates_match_as_the_search_does(app, smtp):
    confirmed(app, smtp, "suit", filters={"office": ["Office of the Attorney General"]}, to="2026-06-30")
    release(app, "ranch")                        # dated 2026-12-01: after `to`
    app.deliver_alerts()
    assert len(smtp.messages) == 1
    alert2 = app.subscribe("other@paper.example", {"q": "ranch", "filters": {"office": ["office of the attorney general"]}})
    app.deliver_alerts()
    app.confirm_alert(alert2.confirm_token)
    release(app, "ranch land")
    release(app, "ranch house", office="Governor")
    app.deliver_alerts()
    sent = [m for m in smtp.messages if m["To"] == "other@paper.example" and m["Subject"] != "Confirm your alert"]
    assert [m["Subject"] for m in sent] == ["New: The ranch land suit"]


def test_a_draft_never_and_an_embargo_only_at_its_time(app, smtp, clock):
    confirmed(app, smtp, "embargo")
    draft = release(app, "embargo draft", state=Release("draft"))
    release(app, "embargo scheduled", state=Release("scheduled", NINE))
    app.deliver_alerts()
    assert len(smtp.messages) == 1
    clock.now = NINE - dt.timedelta(seconds=1)
    app.publish_due()
    app.deliver_alerts()
    assert len(smtp.messages) == 1
    clock.now = NINE
    app.publish_due()
    app.deliver_alerts()
    assert [m["Subject"] for m in smtp.messages[1:]] == ["New: The embargo scheduled suit"]
    assert app.repo.get(draft.id).state == "draft"


def test_smtp_down_then_up_delivers_once(tmp_path, clock):
    port = free_port()
    app = make_app(tmp_path, clock, port)
    try:
        alert = app.subscribe("reporter@paper.example", {"q": "river"})
        app.confirm_alert(alert.confirm_token)
        release(app, "river")
        first = app.deliver_alerts()
        assert first.sent == 0 and first.failed == 1
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            app.deliver_alerts()
            assert inbox.messages == [] or all(m["Subject"] == "Confirm your alert" for m in inbox.messages)
            clock.now += dt.timedelta(hours=1)       # the retry's backoff has passed
            app.deliver_alerts()
            app.deliver_alerts()
            alerts = [m for m in inbox.messages if m["Subject"] != "Confirm your alert"]
            assert [m["Subject"] for m in alerts] == ["New: The river suit"]
        finally:
            controller.stop()
    finally:
        app.close()


def test_daily_digest_gathers_the_day(app, smtp):
    confirmed(app, smtp, "water", frequency="daily")
    release(app, "water rights")
    release(app, "water quality")
    app.deliver_alerts()
    assert len(smtp.messages) == 1               # not before 07:00
    app.send_digests()
    digest = smtp.messages[1]
    assert digest["Subject"].startswith("Daily digest: 2 new documents")
    text = digest.get_body(("plain",)).get_content()
    assert "The water rights suit" in text and "The water quality suit" in text


def test_a_crash_after_matching_sends_exactly_one_message_on_the_next_start(tmp_path, clock, smtp):
    app = make_app(tmp_path, clock, smtp.controller.port)
    alert = app.subscribe("reporter@paper.example", {"q": "canal"})
    app.confirm_alert(alert.confirm_token)
    release(app, "canal")
    app.close()                                  # stopped before delivering: the match is in the outbox
    again = make_app(tmp_path, clock, smtp.controller.port)
    try:
        again.deliver_alerts()
        again.deliver_alerts()
        assert [m["Subject"] for m in smtp.messages if "canal" in m["Subject"]] == ["New: The canal suit"]
    finally:
        again.close()


def test_limits_and_bad_addresses(app):
    with pytest.raises(Invalid):
        app.subscribe("not an address", {"q": "x"})
    with pytest.raises(Invalid):
        app.subscribe("a@b.example", {"q": "x"}, "weekly")
    with pytest.raises(Invalid):
        app.subscribe("a@b.example", {"q": "x", "filters": {"colour": ["red"]}})
    for i in range(20):
        app.subscribe(f"r{i}@paper.example", {"q": f"word{i}"}, client="10.0.0.9")
    with pytest.raises(Invalid):
        app.subscribe("r99@paper.example", {"q": "more"}, client="10.0.0.9")


def test_email_alerts_off_without_a_mail_server(tmp_path, clock):
    app = Dossier(Config(data_dir=tmp_path / "data", extract_workers=1), clock=clock)
    try:
        assert not app.email_alerts()
        with pytest.raises(Invalid, match="off"):
            app.subscribe("a@b.example", {"q": "x"})
    finally:
        app.close()


class Receiver(BaseHTTPRequestHandler):
    got: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_signed_retried_and_disabled(app, clock):
    Receiver.got = []
    Receiver.status = 200
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        press = staff("press")
        hook = app.add_webhook(f"http://127.0.0.1:{server.server_port}/hook", press)
        app.follow_by_webhook(hook.id, {"q": "levee"}, press)
        main = release(app, "levee")
        app.deliver_alerts()
        (headers, body), = Receiver.got
        expected = hmac.new(hook.secret.encode(), body, hashlib.sha256).hexdigest()
        assert headers["X-Dossier-Signature"] == f"sha256={expected}"
        payload = json.loads(body)
        assert [d["id"] for d in payload["documents"]] == [main.id]
        assert payload["documents"][0]["url"] == f"https://records.example.gov/documents/{main.id}"
        Receiver.status = 500
        release(app, "levee breach")
        for _ in range(12):
            app.deliver_alerts()
            clock.now += dt.timedelta(hours=7)
        assert app.repo.alerts.webhook(hook.id).disabled_at is not None
        assert [h.id for h in app.webhooks(press)] == [hook.id]
    finally:
        server.shutdown()
        server.server_close()


def test_webhooks_refuse_private_addresses(app):
    strict = dataclasses.replace(app.config, webhooks_allow_private=False)
    app.config = strict
    for url in ("http://127.0.0.1/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "http://[::1]/x",
                "ftp://example.org/x"):
        with pytest.raises(Invalid):
            app.add_webhook(url, staff("press"))


def test_the_alerts_command_counts_and_sends_digests(dossier):
    result = dossier("alerts")
    assert result.exit_code == 0, result.output
    assert "outbox_pending" in result.output and "email_alerts" in result.output
    result = dossier("alerts", "send-digests")
    assert result.exit_code == 0 and "sent 0 message(s)" in result.output


def test_the_background_process_delivers_the_outbox(tmp_path, clock, smtp):
    import time

    from dossier.core.background import run

    app = make_app(tmp_path, clock, smtp.controller.port)
    try:
        alert = app.subscribe("reporter@paper.example", {"q": "arroyo"})
        app.confirm_alert(alert.confirm_token)
        release(app, "arroyo")
    finally:
        app.close()
    stop = threading.Event()
    worker = threading.Thread(target=run, args=(app.config, stop, clock))
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any("arroyo" in m["Subject"] for m in smtp.messages):
            time.sleep(0.1)
    finally:
        stop.set()
        worker.join(30)
    assert [m["Subject"] for m in smtp.messages if "arroyo" in m["Subject"]] == ["New: The arroyo suit"]


def test_kill_9_between_matching_and_sending_then_exactly_one_message(tmp_path, smtp):
    import os
    import signal
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import datetime as dt, io, os, signal, pathlib
        from dossier.core import Config, Dossier, Upload
        config = Config(data_dir=pathlib.Path({str(tmp_path / "data")!r}), extract_workers=1, smtp_host="127.0.0.1",
                        smtp_port={smtp.controller.port}, smtp_tls="none", webhooks_allow_private=True)
        app = Dossier(config)
        alert = app.subscribe("reporter@paper.example", {{"q": "mesa"}})
        app.confirm_alert(alert.confirm_token)
        app.add_text("The mesa release\\nThe office sued over mesa.", {{"title": "The mesa suit"}})
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert done.returncode == -signal.SIGKILL
    assert smtp.messages == []
    config = Config(data_dir=tmp_path / "data", extract_workers=1, smtp_host="127.0.0.1",
                    smtp_port=smtp.controller.port, smtp_tls="none")
    with Dossier(config) as app:
        app.deliver_alerts()
        app.deliver_alerts()
    assert [m["Subject"] for m in smtp.messages if "mesa" in m["Subject"]] == ["New: The mesa suit"]
    assert os.path.exists(tmp_path / "data")

"""Alerts: follow a search by email (anyone, double opt-in) or webhook (staff), told when a matching
document is published.

Matching (percolation) runs when documents become public: every live alert's search is run over
the new documents exactly as the public search would (``Index.percolate``), and each match goes
into the outbox (one row per alert and document: a second match of the same pair is a no-op).
Delivery (``deliver``, run by the background process) sends what is due, an alert's due documents
in one message, and marks them sent right after; a failure is retried with backoff. A crash between
sending and marking repeats that one message with the same ``Message-ID`` / ``X-Dossier-Delivery``,
so the receiver can tell it is the same.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import html
import ipaddress
import json
import re
import secrets
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Callable, Sequence

from dossier.indexer.search import SearchQuery
from dossier.repository import Alert, Document, NotFound, Webhook

from .errors import Forbidden, Invalid, QueryError
from .times import iso, parse_iso
from .visibility import Viewer, may_see

if TYPE_CHECKING:
    from .app import Dossier

FREQUENCIES = ("immediate", "daily")
MAX_ALERTS_PER_EMAIL = 25             # live alerts one address may hold
MAX_ALERTS_PER_CLIENT_PER_DAY = 20    # alerts one client (address of the request) may create in a day
MAX_ATTEMPTS_BACKOFF = 6 * 3600       # the longest wait between two tries, in seconds
WEBHOOK_DISABLE_AFTER = 10            # failures in a row that disable a webhook
WEBHOOK_TIMEOUT = 10.0
SMTP_TIMEOUT = 30.0
DIGEST_HOUR = 7                       # daily digests go out at 07:00 office time
MAX_DOCS_PER_MESSAGE = 50
_EMAIL_RE = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")


# ---- the search an alert follows ------------------------------------------------

def clean_params(params: dict) -> dict:
    """The search's parameters (``q``, facet filters, ``from``, ``to``), checked as the search checks them."""
    if not isinstance(params, dict):
        raise Invalid("The search must be an object with q, filters, from and to.")
    filters = params.get("filters") or {}
    if not isinstance(filters, dict):
        raise Invalid("filters must be an object of facet: [values].", field="filters")
    cleaned = {"q": (params.get("q") or "").strip(), "filters": {}, "from": params.get("from") or None,
               "to": params.get("to") or None}
    for name, values in filters.items():
        values = [values] if isinstance(values, str) else list(values or [])
        values = sorted({v.strip() for v in values if isinstance(v, str) and v.strip()})
        if values:
            cleaned["filters"][name] = values
    try:
        query_of(cleaned).validated()
    except QueryError as e:
        raise Invalid(str(e), field="q") from None
    if len(cleaned["q"]) > 500:
        raise Invalid("The search is too long to follow (at most 500 characters).", field="q")
    return cleaned


def query_of(params: dict) -> SearchQuery:
    return SearchQuery(text=params.get("q") or "", filters=params.get("filters") or {},
                       date_from=params.get("from"), date_to=params.get("to"))


def describe(params: dict) -> str:
    """The search in words, for messages and the manage page."""
    parts = [f"“{params['q']}”"] if params.get("q") else ["every document"]
    for name, values in (params.get("filters") or {}).items():
        parts.append(f"{name}: {' or '.join(values)}")
    if params.get("from") or params.get("to"):
        parts.append(f"dated {params.get('from') or '…'} to {params.get('to') or '…'}")
    return ", ".join(parts)


# ---- creating and managing ------------------------------------------------------

def normal_email(email: str) -> str:
    email = (email or "").strip()
    if len(email) > 254 or not _EMAIL_RE.match(email):
        raise Invalid("Give an email address such as name@example.org.", field="email")
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def subscribe(app: "Dossier", email: str, params: dict, frequency: str = "immediate", *,
              client: str | None = None) -> Alert:
    """An email alert, unconfirmed: a confirmation message goes out; nothing else until its link is followed."""
    if not app.config.email_alerts:
        raise Invalid("Email alerts are off: this site has no mail server set up.", field="email")
    email = normal_email(email)
    frequency = _frequency(frequency)
    params = clean_params(params)
    alerts = app.repo.alerts
    if len(alerts.of_email(email)) >= MAX_ALERTS_PER_EMAIL:
        raise Invalid(f"This address already follows {MAX_ALERTS_PER_EMAIL} searches; remove one first.",
                      field="email")
    since = iso(app.now() - dt.timedelta(days=1))
    if client and alerts.count_recent(client=client, since=since) >= MAX_ALERTS_PER_CLIENT_PER_DAY:
        raise Invalid("Too many alerts were created from here today; try again tomorrow.", field="email")
    for existing in alerts.of_email(email):
        if existing.params == params and existing.frequency == frequency:
            return existing          # the same sign-up twice: one alert (its confirmation is not sent again)
    return alerts.add(channel="email", email=email, params=params, frequency=frequency,
                      confirm_token=_token(), manage_token=_token(), created_at=iso(app.now()), client=client)


def confirm(app: "Dossier", token: str) -> Alert:
    alert = app.repo.alerts.by_token("confirm_token", token or "")
    if alert is None or alert.unsubscribed_at:
        raise NotFound("No alert waits for this confirmation (it may have been removed).")
    app.repo.alerts.confirm(alert.id, iso(app.now()))
    return app.repo.alerts.get(alert.id)


def manage(app: "Dossier", token: str) -> tuple[Alert, list[Alert]]:
    """The alert of a manage link, and every live alert of its address (or webhook)."""
    alert = app.repo.alerts.by_token("manage_token", token or "")
    if alert is None:
        raise NotFound("No alert has this link.")
    others = (app.repo.alerts.of_email(alert.email) if alert.email else app.repo.alerts.of_webhook(alert.webhook_id))
    return alert, others


def unsubscribe(app: "Dossier", token: str) -> Alert:
    alert = app.repo.alerts.by_token("manage_token", token or "")
    if alert is None:
        raise NotFound("No alert has this link.")
    app.repo.alerts.unsubscribe(alert.id, iso(app.now()))
    return app.repo.alerts.get(alert.id)


def add_webhook(app: "Dossier", url: str, actor: Viewer) -> Webhook:
    """A webhook (staff): its secret is shown once, in what this returns."""
    if not actor.staff:
        raise Forbidden("Only staff and API tokens may add webhooks.", action="webhooks")
    check_url(url, allow_private=app.config.webhooks_allow_private)
    return app.repo.alerts.add_webhook(url, secrets.token_hex(32), actor.user, iso(app.now()))


def webhooks(app: "Dossier", actor: Viewer) -> list[Webhook]:
    if not actor.staff:
        raise Forbidden("Only staff may list webhooks.", action="webhooks")
    return app.repo.alerts.webhooks(None if actor.may("accounts") else actor.user)


def _webhook(app: "Dossier", webhook_id: int) -> Webhook | None:
    return app.repo.alerts.webhook(webhook_id) if 0 < webhook_id < 2**63 else None


def delete_webhook(app: "Dossier", webhook_id: int, actor: Viewer) -> None:
    hook = _webhook(app, webhook_id)
    if hook is None or not actor.staff or (hook.owner != actor.user and not actor.may("accounts")):
        raise NotFound(f"No webhook {webhook_id}.")
    app.repo.alerts.delete_webhook(webhook_id)


def follow_by_webhook(app: "Dossier", webhook_id: int, params: dict, actor: Viewer) -> Alert:
    """An alert told to a webhook: live at once (its owner is staff; no opt-in)."""
    hook = _webhook(app, webhook_id)
    if hook is None or not actor.staff or (hook.owner != actor.user and not actor.may("accounts")):
        raise NotFound(f"No webhook {webhook_id}.")
    now = iso(app.now())
    return app.repo.alerts.add(channel="webhook", webhook_id=webhook_id, params=clean_params(params),
                               frequency="immediate", confirm_token=_token(), manage_token=_token(),
                               created_at=now, confirmed_at=now, client=actor.user)


def check_url(url: str, *, allow_private: bool) -> None:
    """An http(s) URL whose host resolves only to public addresses (unless private ones are allowed)."""
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2000:
        raise Invalid("Give an http or https URL.", field="url")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise Invalid(f"{parts.hostname} does not resolve.", field="url") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise Invalid(f"{parts.hostname} resolves to {address}, a private, loopback or link-local address: "
                          "a webhook may not point into the office's network.", field="url")


# ---- matching ----------------------------------------------------------------

def match(app: "Dossier", doc_ids: Sequence[str]) -> int:
    """Match documents that just became public against every live alert; matches go to the outbox.
    The number of (alert, document) pairs added."""
    doc_ids = list(dict.fromkeys(doc_ids))
    if not doc_ids:
        return 0
    live = app.repo.alerts.live_searches()
    if not live:
        return 0
    searches = list({id(params): params for _, _, params in live}.values())     # each search once
    found = dict(zip(map(id, searches), app.index.percolate([query_of(p) for p in searches], doc_ids)))
    now = app.now()
    pairs, when = [], []
    at = {"daily": iso(next_digest(app, now)), "immediate": iso(now)}
    for alert_id, frequency, params in live:
        for doc_id in found[id(params)]:
            pairs.append((alert_id, doc_id))
            when.append(at[frequency])
    return app.repo.alerts.enqueue(pairs, iso(now), when)


def next_digest(app: "Dossier", now: dt.datetime) -> dt.datetime:
    local = now.astimezone(app.config.office_zone)
    at = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at += dt.timedelta(days=1)
    return at.astimezone(dt.timezone.utc)


# ---- delivery ------------------------------------------------------------------

@dataclass(frozen=True)
class Delivered:
    sent: int = 0          # messages
    failed: int = 0
    dropped: int = 0       # rows whose document is no longer public or alert no longer live
    confirmations: int = 0


def send_digests(app: "Dossier", *, send_mail=None, post=None) -> Delivered:
    """Every daily alert's pending documents sent now (what 07:00 does on its own)."""
    daily = [a.id for a in app.repo.alerts.live() if a.frequency == "daily"]
    app.repo.alerts.due_now(daily, iso(app.now()))
    return deliver(app, send_mail=send_mail, post=post)


def deliver(app: "Dossier", *, send_mail: Callable[[EmailMessage], None] | None = None,
            post: Callable[[str, bytes, dict], None] | None = None) -> Delivered:
    """Send what is due: confirmations first, then each alert's due documents in one message."""
    send_mail = send_mail or (lambda msg: smtp_send(app.config, msg))
    post = post or http_post
    alerts = app.repo.alerts
    now = app.now()
    confirmations = 0
    if app.config.email_alerts:
        for alert in alerts.unconfirmed_unsent():
            try:
                send_mail(confirmation_message(app, alert))
            except (OSError, smtplib.SMTPException):
                break              # the server is down: try again on the next pass
            alerts.confirmation_sent(alert.id, iso(app.now()))
            confirmations += 1
    by_alert: dict[int, list] = defaultdict(list)
    for row in alerts.due(iso(now)):
        by_alert[row.alert_id].append(row)
    sent = failed = dropped = 0
    mail_down = False
    for alert_id, rows in by_alert.items():
        alert = alerts.get(alert_id)
        docs, gone = [], []
        for row in rows:
            doc = _public(app, row.document_id)
            (docs if doc is not None and alert is not None and alert.live else gone).append((row, doc))
        if gone:
            alerts.drop([r.id for r, _ in gone])
            dropped += len(gone)
        if not docs:
            continue
        docs = docs[:MAX_DOCS_PER_MESSAGE]
        ids = [r.id for r, _ in docs]
        key = f"{alert.id}-{'-'.join(str(i) for i in ids)}"
        try:
            if alert.channel == "email":
                if mail_down or not app.config.email_alerts:
                    raise OSError("the mail server is not reachable")
                try:
                    send_mail(alert_message(app, alert, [d for _, d in docs], key))
                except (OSError, smtplib.SMTPException):
                    mail_down = True
                    raise
            else:
                hook = alerts.webhook(alert.webhook_id)
                body = json.dumps(webhook_payload(app, alert, [d for _, d in docs], key), sort_keys=True).encode()
                try:
                    post(hook.url, body, {"Content-Type": "application/json", "X-Dossier-Delivery": key,
                                          "X-Dossier-Signature": "sha256=" + sign(hook.secret, body)})
                except Exception as e:
                    alerts.webhook_result(hook.id, f"{type(e).__name__}: {e}", disable_after=WEBHOOK_DISABLE_AFTER,
                                          at=iso(app.now()))
                    raise
                alerts.webhook_result(hook.id, None, disable_after=WEBHOOK_DISABLE_AFTER, at=iso(app.now()))
        except Exception as e:
            attempts = max(r.attempts for r, _ in docs) + 1
            wait = min(MAX_ATTEMPTS_BACKOFF, 60 * 2 ** (attempts - 1))
            alerts.mark_failed(ids, f"{type(e).__name__}: {e}", iso(app.now() + dt.timedelta(seconds=wait)))
            failed += 1
            continue
        alerts.mark_sent(ids, iso(app.now()))
        sent += 1
    return Delivered(sent, failed, dropped, confirmations)


def seconds_to_next(app: "Dossier") -> float | None:
    nxt = app.repo.alerts.next_due()
    if app.config.email_alerts and app.repo.alerts.unconfirmed_unsent():
        return 0.0
    return None if nxt is None else max(0.0, (parse_iso(nxt) - app.now()).total_seconds())


def _public(app: "Dossier", doc_id: str) -> Document | None:
    try:
        doc = app.repo.get(doc_id)
    except NotFound:
        return None
    return doc if may_see(doc, Viewer()) and doc.state == "published" else None


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def http_post(url: str, body: bytes, headers: dict) -> None:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as e:
        status = e.code
        e.close()
    if not 200 <= status < 300:
        raise OSError(f"HTTP {status}")


def smtp_send(config, msg: EmailMessage) -> None:
    port = config.smtp_port or {"ssl": 465, "starttls": 587}.get(config.smtp_tls, 25)
    if config.smtp_tls == "ssl":
        server = smtplib.SMTP_SSL(config.smtp_host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config.smtp_host, port, timeout=SMTP_TIMEOUT)
    with server:
        if config.smtp_tls == "starttls":
            server.starttls(context=ssl.create_default_context())
        if config.smtp_user:
            server.login(config.smtp_user, config.smtp_password)
        server.send_message(msg)


# ---- messages --------------------------------------------------------------------

def _base(app: "Dossier") -> str:
    return (app.config.base_url or "http://localhost:8000").rstrip("/")


def _sender(app: "Dossier") -> str:
    return app.config.mail_from or f"dossier@{app.config.smtp_host or 'localhost'}"


def _mail(app: "Dossier", alert: Alert, subject: str, text: str, html_body: str, msg_id: str,
          unsubscribe: bool) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _sender(app)
    msg["To"] = alert.email
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{msg_id}@{_domain(app)}>"
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        link = f"{_base(app)}/alerts/unsubscribe/{alert.manage_token}"
        msg["List-Unsubscribe"] = f"<{link}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text)
    msg.add_alternative(html_body, subtype="html")
    return msg


def _domain(app: "Dossier") -> str:
    return urllib.parse.urlsplit(_base(app)).hostname or "dossier"


def confirmation_message(app: "Dossier", alert: Alert) -> EmailMessage:
    link = f"{_base(app)}/alerts/confirm/{alert.confirm_token}"
    what = describe(alert.params)
    text = (f"Someone (we hope you) asked to be told of new documents matching {what}"
            f" ({alert.frequency}).\n\nTo start, follow this link:\n{link}\n\n"
            "If it was not you, ignore this message: nothing more will be sent.\n")
    body = (f"<p>Someone (we hope you) asked to be told of new documents matching <b>{html.escape(what)}</b>"
            f" ({alert.frequency}).</p><p><a href=\"{html.escape(link)}\">Confirm this alert</a></p>"
            "<p>If it was not you, ignore this message: nothing more will be sent.</p>")
    return _mail(app, alert, "Confirm your alert", text, body, f"confirm-{alert.id}", unsubscribe=False)


def alert_message(app: "Dossier", alert: Alert, docs: list[Document], key: str) -> EmailMessage:
    base = _base(app)
    what = describe(alert.params)
    manage_link = f"{base}/alerts/manage/{alert.manage_token}"
    unsub = f"{base}/alerts/unsubscribe/{alert.manage_token}"
    snippets = _snippets(app, alert, docs)
    lines = [f"New documents matching {what}:", ""]
    items = []
    for doc in docs:
        link = f"{base}/documents/{doc.id}"
        lines += [f"- {doc.title} ({doc.date or 'undated'})", f"  {link}"]
        if snippets.get(doc.id):
            lines.append(f"  {_plain(snippets[doc.id])}")
        lines.append("")
        items.append(f"<li><a href=\"{html.escape(link)}\">{html.escape(doc.title)}</a> "
                     f"({html.escape(doc.date or 'undated')})"
                     + (f"<br>{snippets[doc.id]}" if snippets.get(doc.id) else "") + "</li>")
    lines += [f"Manage your alerts: {manage_link}", f"Unsubscribe from this one: {unsub}"]
    body = (f"<p>New documents matching <b>{html.escape(what)}</b>:</p><ul>{''.join(items)}</ul>"
            f"<p><a href=\"{html.escape(manage_link)}\">Manage your alerts</a> · "
            f"<a href=\"{html.escape(unsub)}\">Unsubscribe from this one</a></p>")
    subject = (f"New: {docs[0].title}" if len(docs) == 1 else f"{len(docs)} new documents: {what}")
    if alert.frequency == "daily":
        subject = f"Daily digest: {subject}"
    return _mail(app, alert, subject[:200], "\n".join(lines) + "\n", body, f"alert-{key}", unsubscribe=True)


def webhook_payload(app: "Dossier", alert: Alert, docs: list[Document], key: str) -> dict:
    base = _base(app)
    return {"delivery": key, "alert": alert.id, "search": alert.params,
            "documents": [{"id": d.id, "kind": d.kind, "title": d.title, "date": d.date, "office": d.office,
                           "published_at": d.published_at, "url": f"{base}/documents/{d.id}",
                           "api_url": f"{base}/api/documents/{d.id}"} for d in docs]}


def _snippets(app: "Dossier", alert: Alert, docs: list[Document]) -> dict[str, str]:
    """Each document's snippet as the search shows it (HTML, matches marked)."""
    if not (alert.params.get("q") or "").strip():
        return {}
    try:
        q = dataclasses.replace(query_of(alert.params), text=f"({alert.params['q']}) AND id:({' OR '.join(d.id for d in docs)})",
                                per_page=len(docs))
        return {h.id: h.snippet for h in app.index.search(q).hits}
    except Exception:
        return {}


def _plain(snippet: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", snippet))


def _frequency(value: str) -> str:
    value = (value or "immediate").strip()
    if value not in FREQUENCIES:
        raise Invalid(f"frequency must be one of {', '.join(FREQUENCIES)}.", field="frequency")
    return value


def _token() -> str:
    return secrets.token_urlsafe(24)


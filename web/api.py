"""The JSON API: search and read for everyone, writes with `Authorization: Bearer <token>`.

Errors are JSON everywhere under /api: {"error": {"code", "message"}}.
"""
from __future__ import annotations

import functools
import json

from flask import Blueprint, current_app, g, render_template, request, url_for

from dossier.core import EDITABLE_FIELDS, LIST_FIELDS, Conflict, Forbidden, Invalid, InvalidLink, InvalidMetadata, \
    NotFound, PAGE_WIDTHS, QueryError, Refused, Release, Upload, Withdrawn, parse_time

from . import security
from .sessions import accounts
from .views import dossier, query, viewer
from .openapi import describe
from .views.errors import REFUSED_STATUS, json_error

bp = Blueprint("api", __name__, url_prefix="/api")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    body, status = json_error(exc.status, exc.code, exc.message, **exc.extra)
    headers = {"WWW-Authenticate": 'Bearer realm="dossier"'} if exc.status == 401 else {}
    if exc.status == 429:
        headers["Retry-After"] = str(int(security.TOKEN_PER_ADDRESS.window))
    return body, status, headers


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    return json_error(404, "not_found", str(exc))


@bp.errorhandler(InvalidMetadata)
def _invalid(exc: InvalidMetadata):
    return json_error(400, "invalid_metadata", str(exc), field=exc.field)


@bp.errorhandler(Invalid)
def _bad(exc: Invalid):
    return json_error(400, "bad_request", exc.message, **({"field": exc.field} if exc.field else {}))


@bp.errorhandler(InvalidLink)
def _bad_link(exc: InvalidLink):
    return json_error(400, "invalid_link", str(exc))


@bp.errorhandler(Forbidden)
def _forbidden(exc: Forbidden):
    return json_error(403, "forbidden", exc.message)


@bp.errorhandler(Conflict)
def _conflict(exc: Conflict):
    return json_error(409, exc.code, exc.message, **exc.details)


@bp.errorhandler(Withdrawn)
def _withdrawn(exc: Withdrawn):
    doc = exc.document
    return json_error(410, "withdrawn", f"This document was withdrawn: {doc.withdrawn_reason}",
                      id=doc.id, title=doc.title, withdrawn_at=doc.withdrawn_at, reason=doc.withdrawn_reason)


@bp.errorhandler(Refused)
def _refused(exc: Refused):
    """Nothing was stored: the code, which part was refused (0: the document, 1..: attachments) and why."""
    extra = {k: v for k, v in (("part", exc.part), ("filename", exc.filename), ("field", exc.field)) if v is not None}
    return json_error(REFUSED_STATUS.get(exc.code, 400), exc.code, exc.message, **extra)


def bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def use_token(token: str) -> None:
    """g.api_user and g.api_role from a valid token; a bad one counts against the address."""
    addr_key = f"token:addr:{request.remote_addr}"
    if security.limited(accounts(), addr_key, security.TOKEN_PER_ADDRESS):
        raise ApiError(429, "rate_limited", "Too many requests with a bad token; try again later.")
    g.api_user = accounts().user_for_token(token)
    if g.api_user is None:
        accounts().record_failure(addr_key)
        raise ApiError(401, "invalid_token", "This API token is not valid (revoked, or its user removed).")
    g.api_role = accounts().role(g.api_user)


@bp.before_request
def reads_with_a_token():
    """Reads are public; with a token they are the token user's (drafts included)."""
    token = bearer()
    if token and request.method in ("GET", "HEAD"):
        use_token(token)


def token_required(view):
    """Bearer tokens only: a browser's session cookie never authorises an API write (no CSRF there)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        token = bearer()
        if token is None:
            if g.get("user"):
                raise ApiError(403, "forbidden", "The API takes an API token (Authorization: Bearer ...), "
                                                 "not a browser session.")
            raise ApiError(401, "unauthorized", "This needs an API token: Authorization: Bearer <token>.")
        use_token(token)
        return view(*args, **kwargs)
    wrapped.needs_token = True          # web/openapi.py describes its security and error answers
    return wrapped


def document_record(doc_id: str, **extra) -> dict:
    """The document as JSON. What lies under bad redactions is for staff only."""
    who = viewer()
    doc = dossier().document(doc_id, who)
    links = dossier().link_summary(doc_id, who).to_dict()
    for entries in links.values():
        for entry in entries:
            entry["url"] = url_for("api.document", doc_id=entry["id"], _external=True)
    record = doc.to_dict()
    if not who.staff:
        record["redaction_findings"] = None
    text_pages = [p.to_dict() for p in dossier().page_sources(doc_id, who)]
    return dict(record, links=links, text_pages=text_pages, url=url_for("documents.show", doc_id=doc.id, _external=True),
                download_url=url_for("documents.original", doc_id=doc.id, _external=True), **extra)


@bp.get("/search")
def search():
    """Search the documents the caller may see (everyone: the published ones).
    ---
    get:
      summary: Search
      x-curl: >-
        curl '{base}/api/search?q=%22groundwater%22&kind=filing&year=2019'
      tags: [read]
      responses:
        200:
          description: One page of hits, the facet counts of the whole result, and "did you mean".
          content: {application/json: {schema: {$ref: '#/components/schemas/SearchResult'}}}
        400: {$ref: '#/components/responses/BadRequest'}
    """
    try:
        result = dossier().search(query.search_query(request.args), viewer())
    except QueryError as exc:
        raise ApiError(400, "bad_query", str(exc)) from None
    body = result.to_dict()
    for hit in body["hits"]:
        hit["url"] = url_for("documents.show", doc_id=hit["id"], _external=True)
        hit["download_url"] = url_for("documents.original", doc_id=hit["id"], _external=True)
    return body


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    """One document, its links, its page and its download.
    ---
    get:
      summary: Read a document
      x-curl: >-
        curl {base}/api/documents/ID
      tags: [read]
      responses:
        200:
          description: The document.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        404: {$ref: '#/components/responses/NotFound'}
        410: {$ref: '#/components/responses/Gone'}
    """
    return document_record(doc_id)


@bp.get("/documents/<doc_id>/pages/<int:n>")
def page(doc_id: str, n: int):
    """One page of a document: its text, its image at each width, and its words with their boxes
    (from the PDF's text layer), for drawing hits or selecting text over the image.
    ---
    get:
      summary: Read one page
      x-curl: >-
        curl {base}/api/documents/ID/pages/1
      tags: [read]
      responses:
        200:
          description: The page.
          content: {application/json: {schema: {$ref: '#/components/schemas/Page'}}}
        404: {$ref: '#/components/responses/NotFound'}
        410: {$ref: '#/components/responses/Gone'}
    """
    view = dossier().page(doc_id, n, viewer(), draw=False)
    urls = {str(w): url_for("pages.image", doc_id=view.doc.id, n=n, width=w, _external=True)
            for w in PAGE_WIDTHS} if view.has_image else {}
    return {"page": n, "page_count": view.count, "text": view.text, "image_urls": urls,
            "reader_url": url_for("pages.reader", doc_id=view.doc.id, n=n, _external=True),
            "words": [{"text": w.text, "box": list(w.box)} for w in view.words]}


def form_metadata(form) -> dict:
    meta = {}
    for name in EDITABLE_FIELDS:
        values = [v for v in form.getlist(name) if v.strip()]
        if values:
            meta[name] = values if name in LIST_FIELDS else values[0]
    return meta


def attachment_uploads() -> list[Upload]:
    files = request.files.getlist("attachments")
    try:
        metas = json.loads(request.form.get("attachments_meta") or "[]")
    except json.JSONDecodeError as exc:
        raise ApiError(400, "bad_request", f"attachments_meta is not JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "bad_request", "attachments_meta is nested too deeply to read.") from None
    if not isinstance(metas, list) or not all(isinstance(m, dict) for m in metas) or len(metas) > len(files):
        raise ApiError(400, "bad_request", "attachments_meta must be a JSON array of objects, "
                                           "at most one per attachments file, in the same order.")
    metas += [{}] * (len(files) - len(metas))
    return [Upload(f.stream, f.filename or "attachment", m) for f, m in zip(files, metas)]


@bp.post("/documents")
@token_required
def create():
    """Upload a document (a release as a file or typed text) with its attachments, all or nothing.
    ---
    post:
      summary: Upload
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" -F title='State sues polluters' -F date=2019-03-04 -F file=@release.pdf -F attachments=@complaint.pdf -F attachments_meta='[{"kind": "filing", "case_number": "1:19-cv-00123"}]' {base}/api/documents
      tags: [write]
      requestBody:
        required: true
        content: {multipart/form-data: {schema: {$ref: '#/components/schemas/Upload'}}}
      responses:
        201:
          description: Stored (and its attachments).
          content: {application/json: {schema: {$ref: '#/components/schemas/Added'}}}
        200:
          description: These bytes were already stored; nothing changed but the new links.
          content: {application/json: {schema: {$ref: '#/components/schemas/Added'}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
        413: {$ref: '#/components/responses/TooLarge'}
        415: {$ref: '#/components/responses/Unsupported'}
    """
    if security.form_unreadable():
        raise ApiError(400, "bad_request", security.UNREADABLE_FORM)
    meta, file = form_metadata(request.form), request.files.get("file")
    attach_ids = [i for v in request.form.getlist("attach_ids") for i in v.replace(",", " ").split()]
    attachments = attachment_uploads()
    release, actor = release_of(request.form), viewer()
    languages = request.form.get("ocr_languages", "").strip() or None
    if file is not None and file.filename:
        added = dossier().add(Upload(file.stream, file.filename, meta), attachments, attach_ids, release=release,
                              ocr_languages=languages, actor=actor)
    elif request.form.get("text", "").strip():
        added = dossier().add_text(request.form["text"], meta, attachments, attach_ids, release=release,
                                   ocr_languages=languages, actor=actor)
    else:
        raise ApiError(400, "bad_request", "Send the document as a `file` part (or a release as `text`).")
    main, parts = added
    held = {"publication_held": added.held} if added.held else {}
    record = document_record(main.document.id, duplicate=not main.created, differences=differences(main), **held,
                             attachments=[{"id": p.document.id, "duplicate": not p.created,
                                           "differences": differences(p)} for p in parts])
    return record, 201 if main.created else 200


def release_of(form) -> Release | None:
    """``state`` (published, draft or scheduled) and ``publish_at`` (ISO 8601; without an offset, the
    office's time zone); neither: published, for a token that may publish."""
    state, at = form.get("state", "").strip(), form.get("publish_at", "").strip()
    if not state and not at:
        return None
    when = parse_time(at, dossier().config.office_zone) if at else None
    return Release(state or "scheduled", when, form.get("override") or None)


def differences(stored) -> dict:
    """For bytes already stored: the details sent that differ, which were NOT applied (PATCH them)."""
    return {name: {"stored": _json(old), "sent": _json(new)} for name, (old, new) in stored.differences.items()}


def _json(value):
    return list(value) if isinstance(value, tuple) else value


@bp.patch("/documents/<doc_id>")
@token_required
def update(doc_id: str):
    """Change a document's metadata: only the fields sent.
    ---
    patch:
      summary: Edit metadata
      x-curl: >-
        curl -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"topics": ["water", "pollution"]}' {base}/api/documents/ID
      tags: [write]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: '#/components/schemas/Metadata'}}}
      responses:
        200:
          description: The document as it is now.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        raise ApiError(400, "bad_request", "Send a JSON object of the fields to change.")
    dossier().update(doc_id, changes, actor=viewer())
    return document_record(doc_id)


@bp.post("/documents/<doc_id>/links")
@token_required
def add_link(doc_id: str):
    """Link two documents: a release and its attachment, or two related documents.
    ---
    post:
      summary: Link
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"id": "OTHER", "type": "related"}' {base}/api/documents/ID/links
      tags: [write]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [id]
              properties: {id: {type: string}, type: {enum: [attachment, related]}}
      responses:
        201:
          description: Linked.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        200:
          description: Already linked.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise ApiError(400, "bad_request", 'Send {"id": "<other document>", "type": "related" or "attachment"}.')
    added = dossier().link(doc_id, body["id"], body.get("type", "related"), actor=viewer())
    return document_record(doc_id), 201 if added else 200


@bp.delete("/documents/<doc_id>/links/<other_id>")
@token_required
def remove_link(doc_id: str, other_id: str):
    """Remove the link between two documents.
    ---
    delete:
      summary: Unlink
      x-curl: >-
        curl -X DELETE -H "Authorization: Bearer $TOKEN" {base}/api/documents/ID/links/OTHER
      tags: [write]
      responses:
        200:
          description: Unlinked; the document as it is now.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    if not dossier().unlink(doc_id, other_id, actor=viewer()):
        raise ApiError(404, "not_found", f"{doc_id} and {other_id} are not linked.")
    return document_record(doc_id)


@bp.delete("/documents/<doc_id>")
@token_required
def delete(doc_id: str):
    """Delete a document: hidden at once, gone for good at `dossier purge`.
    ---
    delete:
      summary: Delete
      x-curl: >-
        curl -X DELETE -H "Authorization: Bearer $TOKEN" {base}/api/documents/ID
      tags: [write]
      responses:
        200:
          description: Deleted.
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, deleted: {type: boolean}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    doc = dossier().delete(doc_id, actor=viewer())
    return {"id": doc.id, "deleted": True}


def json_object() -> dict:
    body = request.get_json(silent=True) if request.data else {}
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "Send a JSON object.")
    return body


@bp.post("/documents/<doc_id>/publish")
@token_required
def publish(doc_id: str):
    """Publish the document and its attachments now, or at ``{"at": ...}``; ``{"override": reason}``
    publishes despite redaction findings (publishers only).
    ---
    post:
      summary: Publish or schedule
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"at": "2026-12-02T09:00"}' {base}/api/documents/ID/publish
      tags: [publish]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                at: {type: string, format: date-time, description: "ISO 8601; without an offset, the office's time zone."}
                override: {type: string, description: Publish despite redaction findings, and why.}
      responses:
        200:
          description: Published (or scheduled); the document as it is now.
          content: {application/json: {schema: {$ref: '#/components/schemas/Document'}}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    body = json_object()
    at = parse_time(body["at"], dossier().config.office_zone) if body.get("at") else None
    dossier().publish(doc_id, at=at, override=body.get("override") or None, actor=viewer())
    return document_record(doc_id)


@bp.post("/documents/<doc_id>/withdraw")
@token_required
def withdraw(doc_id: str):
    """Withdraw a published document and its attachments: ``{"reason": ...}`` (shown to the public).
    ---
    post:
      summary: Withdraw
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"reason": "Filed in error"}' {base}/api/documents/ID/withdraw
      tags: [publish]
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [reason], properties: {reason: {type: string, minLength: 1}}}
      responses:
        200:
          description: Withdrawn.
          content:
            application/json:
              schema:
                type: object
                properties: {id: {type: string}, state: {const: withdrawn}, reason: {type: [string, "null"]}}
        404: {$ref: '#/components/responses/NotFound'}
        409: {$ref: '#/components/responses/Conflict'}
    """
    body = json_object()
    dossier().withdraw(doc_id, str(body.get("reason") or ""), actor=viewer())
    return {"id": doc_id, "state": "withdrawn", "reason": dossier().document(doc_id, viewer()).withdrawn_reason}



def _search_body(body: dict) -> dict:
    filters = body.get("filters") or {}
    if not isinstance(filters, dict) or not all(isinstance(v, (list, str)) for v in filters.values()):
        raise ApiError(400, "bad_request", "filters must be an object of facet: [values].")
    return {"q": body.get("q") if isinstance(body.get("q"), str) else "", "filters": filters,
            "from": body.get("from") if isinstance(body.get("from"), str) else None,
            "to": body.get("to") if isinstance(body.get("to"), str) else None}


def _webhook_record(hook, secret: bool = False) -> dict:
    record = {"id": hook.id, "url": hook.url, "owner": hook.owner, "created_at": hook.created_at,
              "failures": hook.failures, "disabled": hook.disabled_at is not None, "last_error": hook.last_error}
    if secret:
        record["secret"] = hook.secret
    return record


@bp.post("/alerts")
def create_alert():
    """Follow a search: by email (anyone; a confirmation link is mailed first), or with a token by one
    of your webhooks (``{"webhook": id}``), live at once. Without a mail server, email alerts answer 400
    ``email_alerts_off``.
    ---
    post:
      summary: Follow a search
      x-curl: >-
        curl -H 'Content-Type: application/json' -d '{"email": "you@example.org", "q": "water", "frequency": "daily"}' {base}/api/alerts
      tags: [alerts]
      security: [{}, {token: []}]
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: {type: string}
                webhook: {type: integer}
                frequency: {enum: [immediate, daily]}
                q: {type: string, maxLength: 500}
                from: {type: [string, "null"], format: date}
                to: {type: [string, "null"], format: date}
                filters: {type: object, additionalProperties: {type: array, items: {type: string}}}
      responses:
        202:
          description: Created; an email alert waits for its confirmation link.
          content:
            application/json:
              schema:
                type: object
                properties: {confirmed: {type: boolean}, frequency: {type: string}, search: {type: object}}
        400: {$ref: '#/components/responses/BadRequest'}
        404: {$ref: '#/components/responses/NotFound'}
    """
    body = json_object()
    search = _search_body(body)
    if body.get("webhook") is not None:
        if bearer() is None:
            raise ApiError(401, "unauthorized", "Webhook alerts need an API token.")
        use_token(bearer())
        if not isinstance(body["webhook"], int) or isinstance(body["webhook"], bool):
            raise ApiError(400, "bad_request", "webhook must be a webhook's id.")
        alert = dossier().follow_by_webhook(body["webhook"], search, viewer())
    else:
        if not dossier().email_alerts():
            raise ApiError(400, "email_alerts_off", "Email alerts are off: this site has no mail server set up.")
        if not isinstance(body.get("email"), str):
            raise ApiError(400, "bad_request", "Give an email address.")
        alert = dossier().subscribe(body["email"], search, str(body.get("frequency") or "immediate"),
                                    client=request.remote_addr)
    return {"confirmed": alert.confirmed_at is not None, "frequency": alert.frequency, "search": alert.params}, 202


@bp.post("/webhooks")
@token_required
def create_webhook():
    """A webhook: new documents matching its alerts are POSTed to ``url`` as JSON, signed with
    ``X-Dossier-Signature: sha256=<HMAC-SHA256 of the body with the secret>``. The secret is shown once.
    ---
    post:
      summary: Add a webhook
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"url": "WEBHOOK_URL"}' {base}/api/webhooks
      tags: [alerts]
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [url], properties: {url: {type: string}}}
      responses:
        201:
          description: Created, with its secret.
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}, url: {type: string}, secret: {type: string}}}
    """
    body = json_object()
    if not isinstance(body.get("url"), str):
        raise ApiError(400, "bad_request", "Give the webhook's url.")
    return _webhook_record(dossier().add_webhook(body["url"], viewer()), secret=True), 201


@bp.get("/webhooks")
@token_required
def list_webhooks():
    """Your webhooks (an admin's token: everyone's), with their failures.
    ---
    get:
      summary: List webhooks
      x-curl: >-
        curl -H "Authorization: Bearer $TOKEN" {base}/api/webhooks
      tags: [alerts]
      responses:
        200:
          description: The webhooks.
          content:
            application/json:
              schema: {type: object, properties: {webhooks: {type: array, items: {type: object}}}}
    """
    return {"webhooks": [_webhook_record(h) for h in dossier().webhooks(viewer())]}


@bp.delete("/webhooks/<webhook_id>")
@token_required
def delete_webhook(webhook_id: str):
    """Remove a webhook and its alerts.
    ---
    delete:
      summary: Remove a webhook
      x-curl: >-
        curl -X DELETE -H "Authorization: Bearer $TOKEN" {base}/api/webhooks/ID
      tags: [alerts]
      parameters:
        - {name: webhook_id, in: path, required: true, schema: {type: integer}}
      responses:
        200:
          description: Removed.
          content:
            application/json:
              schema: {type: object, properties: {id: {type: integer}, deleted: {type: boolean}}}
        404: {$ref: '#/components/responses/NotFound'}
    """
    if not webhook_id.isdigit():
        raise ApiError(404, "not_found", f"No webhook {webhook_id}.")
    dossier().delete_webhook(int(webhook_id), viewer())
    return {"id": int(webhook_id), "deleted": True}


@bp.get("/openapi.json")
def openapi():
    """This API's OpenAPI 3.1 description (what /api shows to people)."""
    return describe(current_app)


@bp.get("")
def overview():
    """The API for people: every operation with its parameters, and curl examples."""
    return render_template("api.html", spec=describe(current_app))

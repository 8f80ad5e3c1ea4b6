"""The JSON API: search and read for everyone, writes with `Authorization: Bearer <token>`.

Errors are JSON everywhere under /api: {"error": {"code", "message"}}.
"""
from __future__ import annotations

import functools
import json

from flask import Blueprint, g, request, url_for

from indexer.errors import QueryError
from repository import InvalidLink, InvalidMetadata, LIST_FIELDS, NotFound
from repository.models import EDITABLE_FIELDS
from uploads.errors import Rejected
from uploads.intake import Upload

from . import security
from .auth import accounts
from .views import query, services
from .views.errors import json_error

bp = Blueprint("api", __name__, url_prefix="/api")

REJECTED_STATUS = {"too_large": 413, "unsupported_type": 415, "type_mismatch": 415}


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


@bp.errorhandler(Rejected)
def _rejected(exc: Rejected):
    extra = {k: v for k, v in (("field", exc.field), ("filename", exc.filename)) if v}
    return json_error(REJECTED_STATUS.get(exc.code, 400), exc.code, exc.message, **extra)


def token_required(view):
    """Bearer tokens only: a browser's session cookie never authorises an API write (no CSRF there)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        addr_key = f"token:addr:{request.remote_addr}"
        if security.limited(accounts(), addr_key, security.TOKEN_PER_ADDRESS):
            raise ApiError(429, "rate_limited", "Too many requests with a bad token; try again later.")
        if scheme.lower() != "bearer" or not token.strip():
            if g.get("user"):
                raise ApiError(403, "forbidden", "The API takes an API token (Authorization: Bearer ...), "
                                                 "not a browser session.")
            raise ApiError(401, "unauthorized", "This needs an API token: Authorization: Bearer <token>.")
        g.api_user = accounts().user_for_token(token.strip())
        if g.api_user is None:
            accounts().record_failure(addr_key)
            raise ApiError(401, "invalid_token", "This API token is not valid (revoked, or its user removed).")
        return view(*args, **kwargs)
    return wrapped


def document_record(doc_id: str, **extra) -> dict:
    doc = services().repo.get(doc_id)
    links = services().repo.links(doc_id).to_dict()
    for entries in links.values():
        for entry in entries:
            entry["url"] = url_for("api.document", doc_id=entry["id"], _external=True)
    return dict(doc.to_dict(), links=links, url=url_for("documents.show", doc_id=doc.id, _external=True),
                download_url=url_for("documents.original", doc_id=doc.id, _external=True), **extra)


@bp.get("/search")
def search():
    try:
        result = services().index.search(query.search_query(request.args))
    except QueryError as exc:
        raise ApiError(400, "bad_query", str(exc)) from None
    body = result.to_dict()
    for hit in body["hits"]:
        hit["url"] = url_for("documents.show", doc_id=hit["id"], _external=True)
        hit["download_url"] = url_for("documents.original", doc_id=hit["id"], _external=True)
    return body


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    return document_record(doc_id)


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
    if security.form_unreadable():
        raise ApiError(400, "bad_request", security.UNREADABLE_FORM)
    meta, file = form_metadata(request.form), request.files.get("file")
    attach_ids = [i for v in request.form.getlist("attach_ids") for i in v.replace(",", " ").split()]
    attachments = attachment_uploads()
    if file is not None and file.filename:
        main, parts = services().intake.add(Upload(file.stream, file.filename, meta), attachments, attach_ids)
    elif request.form.get("text", "").strip():
        main, parts = services().intake.add_text(request.form["text"], meta, attachments, attach_ids)
    else:
        raise ApiError(400, "bad_request", "Send the document as a `file` part (or a release as `text`).")
    record = document_record(main.document.id, duplicate=not main.created,
                             attachments=[{"id": p.document.id, "duplicate": not p.created} for p in parts])
    return record, 201 if main.created else 200


@bp.patch("/documents/<doc_id>")
@token_required
def update(doc_id: str):
    changes = request.get_json(silent=True)
    if not isinstance(changes, dict):
        raise ApiError(400, "bad_request", "Send a JSON object of the fields to change.")
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ApiError(400, "bad_request", f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    services().repo.update(doc_id, changes)
    services().indexer.index_ids([doc_id])
    return document_record(doc_id)


@bp.post("/documents/<doc_id>/links")
@token_required
def add_link(doc_id: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("id"), str):
        raise ApiError(400, "bad_request", 'Send {"id": "<other document>", "type": "related" or "attachment"}.')
    services().repo.get(doc_id)
    services().repo.get(body["id"])
    try:
        added = services().repo.link(doc_id, body["id"], body.get("type", "related"))
    except InvalidLink as exc:
        raise ApiError(400, "invalid_link", str(exc)) from None
    services().indexer.index_ids([doc_id, body["id"]])
    return document_record(doc_id), 201 if added else 200


@bp.delete("/documents/<doc_id>/links/<other_id>")
@token_required
def remove_link(doc_id: str, other_id: str):
    services().repo.get(doc_id)
    if not services().repo.unlink(doc_id, other_id):
        raise ApiError(404, "not_found", f"{doc_id} and {other_id} are not linked.")
    services().indexer.index_ids([doc_id, other_id])
    return document_record(doc_id)


@bp.delete("/documents/<doc_id>")
@token_required
def delete(doc_id: str):
    doc = services().repo.delete(doc_id)
    services().indexer.index_ids([doc_id])
    return {"id": doc.id, "deleted": True}

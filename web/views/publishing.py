"""Staff publishing: publish now or at a time, call off a schedule, withdraw, preview links, the audit log."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dossier.core import Conflict, Forbidden, Invalid, parse_time

from ..auth import login_required
from . import dossier, viewer
from .documents import get_document, linked, original, show

bp = Blueprint("publishing", __name__)

PREVIEW_SALT = "dossier.preview"


def back(doc_id: str, message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("documents.show", doc_id=doc_id), 303)


@bp.route("/documents/<doc_id>/publish", methods=["POST"])
@login_required
def publish(doc_id: str):
    doc = get_document(doc_id)
    at_text = request.form.get("publish_at", "").strip()
    try:
        at = parse_time(at_text, dossier().config.office_zone) if at_text else None
        docs = dossier().publish(doc.id, at=at, override=request.form.get("override", "").strip() or None,
                                 actor=viewer())
    except (Conflict, Forbidden, Invalid) as exc:
        return back(doc.id, exc.message, "error")
    if docs[0].state == "scheduled":
        return back(doc.id, f"Scheduled: it goes out with its {len(docs) - 1} attachment(s) at the time set.")
    return back(doc.id, f"Published with its {len(docs) - 1} attachment(s).")


@bp.route("/documents/<doc_id>/unschedule", methods=["POST"])
@login_required
def unschedule(doc_id: str):
    doc = get_document(doc_id)
    try:
        dossier().unschedule(doc.id, actor=viewer())
    except Forbidden as exc:
        return back(doc.id, exc.message, "error")
    return back(doc.id, "The schedule is called off: it is a draft again.")


@bp.route("/documents/<doc_id>/withdraw", methods=["POST"])
@login_required
def withdraw(doc_id: str):
    doc = get_document(doc_id)
    try:
        dossier().withdraw(doc.id, request.form.get("reason", ""), actor=viewer())
    except (Forbidden, Invalid) as exc:
        return back(doc.id, exc.message, "error")
    return back(doc.id, "Withdrawn: the public sees the notice with your reason.")


# ---- preview links: an unpublished release as the public will see it, for whoever has the link ----

def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=PREVIEW_SALT)


@bp.route("/documents/<doc_id>/preview-link", methods=["POST"])
@login_required
def preview_link(doc_id: str):
    doc = get_document(doc_id)
    ids = [doc.id, *(a.id for a in linked(doc.id)["attachments"])]
    token = _signer().dumps(ids)
    hours = dossier().config.preview_hours
    url = url_for("publishing.preview", token=token, doc_id=doc.id, _external=True)
    flash(f"Preview link (works for {hours} hours, for anyone who has it): {url}", "info")
    return redirect(url_for("documents.show", doc_id=doc.id), 303)


def open_preview(token: str) -> list[str]:
    try:
        ids = _signer().loads(token, max_age=dossier().config.preview_hours * 3600)
    except SignatureExpired:
        abort(410, description="This preview link has expired. Ask the press office for a new one.")
    except BadSignature:
        abort(404, description="There is no preview at this address.")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        abort(404, description="There is no preview at this address.")
    return ids


@bp.route("/preview/<token>/<doc_id>")
def preview(token: str, doc_id: str):
    """The document page as the public will see it (and its attachments, through the same link)."""
    ids = open_preview(token)
    if doc_id not in ids:
        abort(404, description="This preview link does not show that document.")
    g.previews = frozenset(ids)
    return show(doc_id, preview_token=token)


@bp.route("/preview/<token>/<doc_id>/original")
def preview_original(token: str, doc_id: str):
    ids = open_preview(token)
    if doc_id not in ids:
        abort(404, description="This preview link does not show that document.")
    g.previews = frozenset(ids)
    return original(doc_id)


# ---- what staff need to see ----

@bp.route("/documents/<doc_id>/log")
@login_required
def document_log(doc_id: str):
    doc = get_document(doc_id)
    return render_template("audit.html", doc=doc, entries=dossier().audit_log(doc.id, viewer=viewer(), limit=500))


@bp.route("/staff/log")
@login_required
def site_log():
    before = request.args.get("before", type=int)
    entries = dossier().audit_log(viewer=viewer(), limit=100, before_id=before)
    return render_template("audit.html", doc=None, entries=entries,
                           older=entries[-1].id if len(entries) == 100 else None)


@bp.route("/staff/unpublished")
@login_required
def unpublished():
    return render_template("unpublished.html", docs=dossier().unpublished(viewer()))

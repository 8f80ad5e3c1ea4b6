"""Staff edits: metadata, links, delete and restore."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from dossier.core import InvalidLink, InvalidMetadata, NotFound

from ..auth import login_required
from . import dossier, forms, viewer
from .documents import get_document, linked

bp = Blueprint("edit", __name__, url_prefix="/documents/<doc_id>")


def back(doc_id: str, message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for("edit.edit", doc_id=doc_id), 303)


@bp.route("/edit", methods=["GET", "POST"])
@login_required
def edit(doc_id: str):
    doc = get_document(doc_id)
    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        try:
            dossier().update(doc.id, forms.edits(form), actor=viewer())
        except InvalidMetadata as exc:
            errors = {exc.field: exc.message}
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("documents.show", doc_id=doc.id), 303)
    return render_template("edit.html", doc=doc, form=form, errors=errors, links=linked(doc.id)), \
        (400 if errors else 200)


@bp.route("/apply", methods=["POST"])
@login_required
def apply(doc_id: str):
    """The details sent with a file that was already stored, applied to it (only those sent)."""
    doc = get_document(doc_id)
    changes = {name: value for name, value in forms.edits(request.form).items() if name in request.form}
    try:
        dossier().update(doc.id, changes, actor=viewer())
    except InvalidMetadata as exc:
        return back(doc.id, f"Could not apply: {exc}", "error")
    flash("The details you sent are applied.", "success")
    return redirect(url_for("documents.show", doc_id=doc.id), 303)


@bp.route("/links", methods=["POST"])
@login_required
def add_link(doc_id: str):
    doc = get_document(doc_id)
    other, link_type = request.form.get("other_id", "").strip(), request.form.get("type", "related")
    try:
        added = dossier().link(doc.id, other, link_type, actor=viewer())
    except (NotFound, InvalidLink) as exc:
        return back(doc.id, f"Could not link: {exc}", "error")
    return back(doc.id, "Linked." if added else "These documents were already linked.")


@bp.route("/links/remove", methods=["POST"])
@login_required
def remove_link(doc_id: str):
    doc = get_document(doc_id)
    other = request.form.get("other_id", "")
    removed = dossier().unlink(doc.id, other, actor=viewer())
    return back(doc.id, "Link removed." if removed else "These documents were not linked.")


@bp.route("/delete", methods=["POST"])
@login_required
def delete(doc_id: str):
    doc = get_document(doc_id)
    dossier().delete(doc.id, actor=viewer())
    return back(doc.id, "Deleted: hidden from search and lists. You can restore it until it is purged.")


@bp.route("/restore", methods=["POST"])
@login_required
def restore(doc_id: str):
    doc = get_document(doc_id)
    dossier().restore(doc.id, actor=viewer())
    return back(doc.id, "Restored: it is back in search and lists.")

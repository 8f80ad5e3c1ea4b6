"""The upload form: a release (typed or a file), its metadata, and any number of attachments."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from repository import NotFound
from uploads.errors import Rejected
from uploads.intake import Upload

from ..auth import login_required
from . import forms, services

bp = Blueprint("upload", __name__)

MIN_SLOTS, MAX_SLOTS = 2, 50
REJECTED_STATUS = {"too_large": 413, "unsupported_type": 415, "type_mismatch": 415}


@dataclass
class UploadForm:
    release: Upload | None = None
    text: str = ""
    attachments: list[Upload] = field(default_factory=list)
    slots: list[int] = field(default_factory=list)   # form slot of each attachment
    attach_ids: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def chosen(file: FileStorage | None) -> bool:
    return file is not None and bool(file.filename)


def read_form(form, files) -> UploadForm:
    """What the form asks for, and every error found before anything is stored."""
    out = UploadForm(text=form.get("release_text", "").strip(), attach_ids=forms.ids(form.get("attach_ids", "")))
    meta = dict(forms.metadata(form, names=("title", "date", "office", "topics", "people", "places")), kind="release")
    out.errors.update(forms.check(meta))
    if chosen(files.get("release_file")):
        out.release = Upload(files["release_file"].stream, files["release_file"].filename, meta)
    elif out.text:
        out.release = Upload(None, "release.txt", meta)
    else:
        out.errors["release_text"] = "Type the release, or choose its file."
    for slot in range(slot_count(form)):
        prefix = f"att-{slot}-"
        att_meta = forms.metadata(form, prefix, forms.ATTACHMENT_FIELDS)
        if chosen(files.get(prefix + "file")):
            out.errors.update(forms.check(att_meta, prefix))
            out.attachments.append(Upload(files[prefix + "file"].stream, files[prefix + "file"].filename, att_meta))
            out.slots.append(slot)
        elif att_meta.keys() - {"kind"}:
            out.errors[prefix + "file"] = "Choose the file these details belong to (or clear them)."
    for doc_id in out.attach_ids:
        try:
            services().repo.get(doc_id)
        except NotFound:
            out.errors["attach_ids"] = f"There is no document {doc_id}."
    return out


def slot_count(form) -> int:
    try:
        wanted = int(form.get("attachment_count", MIN_SLOTS))
    except ValueError:
        wanted = MIN_SLOTS
    return max(MIN_SLOTS, min(MAX_SLOTS, wanted + (1 if "more" in form else 0)))


def store(upload_form: UploadForm):
    intake = services().intake
    if upload_form.release.source is None:
        return intake.add_text(upload_form.text, upload_form.release.meta, upload_form.attachments,
                               upload_form.attach_ids)
    return intake.add(upload_form.release, upload_form.attachments, upload_form.attach_ids, default_kind="release")


def rejected_field(upload_form: UploadForm, exc: Rejected) -> str:
    """The form field a refusal belongs to: what was stored before it tells which file it was."""
    position = len(exc.stored_ids)
    if position == 0:
        key = "release_file" if upload_form.release.source is not None else "release_text"
        return exc.field if exc.code == "invalid_metadata" and exc.field else key
    return f"att-{upload_form.slots[position - 1]}-file"


def render(errors=None, status=200):
    count = slot_count(request.form) if request.method == "POST" else MIN_SLOTS
    return render_template("upload.html", form=request.form, errors=errors or {}, slots=range(count)), status


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "GET":
        return render()
    upload_form = read_form(request.form, request.files)
    if "more" in request.form:
        return render()
    if upload_form.errors:
        return render(upload_form.errors, 400)
    try:
        main, parts = store(upload_form)
    except Rejected as exc:
        message = f"{exc.message}" + (" Files listed before it were stored." if exc.stored_ids else "")
        return render({rejected_field(upload_form, exc): message}, REJECTED_STATUS.get(exc.code, 400))
    if not main.created:
        flash("This release was already stored: its details were kept as they were.", "info")
    else:
        flash(f"Stored “{main.document.title}” with {len(parts)} attachment(s). It is now searchable.", "success")
    return redirect(url_for("documents.show", doc_id=main.document.id), 303)

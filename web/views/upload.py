"""The upload form: a release (typed or a file), its details, and any number of attachments, stored
together or not at all. The form keeps everything typed after any refusal."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from dossier.core import Forbidden, Invalid, NotFound, Refused, Release, Upload, parse_time

from ..auth import login_required
from . import dossier, forms, viewer
from .errors import REFUSED_STATUS

bp = Blueprint("upload", __name__)

MIN_SLOTS, MAX_SLOTS = 2, 50
STORED_AS = {"published": "It is public and searchable now.", "draft": "It is a draft: only staff can see it.",
             "scheduled": "It is embargoed: it goes out at the time set."}
RELEASE_FIELDS = ("title", "date", "office", "topics", "people", "places")


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
    """What the form asks for, and what is missing from it (the core checks the rest)."""
    out = UploadForm(text=form.get("release_text", "").strip(), attach_ids=forms.ids(form.get("attach_ids", "")))
    meta = dict(forms.metadata(form, names=RELEASE_FIELDS), kind="release")
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
            out.attachments.append(Upload(files[prefix + "file"].stream, files[prefix + "file"].filename, att_meta))
            out.slots.append(slot)
        elif att_meta.keys() - {"kind"}:
            out.errors[prefix + "file"] = "Choose the file these details belong to (or clear them)."
    return out


def slot_count(form) -> int:
    try:
        wanted = int(form.get("attachment_count", MIN_SLOTS))
    except ValueError:
        wanted = MIN_SLOTS
    return max(MIN_SLOTS, min(MAX_SLOTS, wanted + (1 if "more" in form else 0)))


def store(upload_form: UploadForm, release: Release | None, languages: str | None):
    if upload_form.release.source is None:
        return dossier().add_text(upload_form.text, upload_form.release.meta, upload_form.attachments,
                                  upload_form.attach_ids, release=release, ocr_languages=languages, actor=viewer())
    return dossier().add(upload_form.release, upload_form.attachments, upload_form.attach_ids, first_kind="release",
                         release=release, ocr_languages=languages, actor=viewer())


def release_of(form) -> Release | None:
    """The form's choice: publish now, keep as a draft, or schedule (at a time in the office's zone);
    none made: what the staff member's role allows (published for publishers, else a draft)."""
    choice = form.get("publication")
    if not choice:
        return None
    if choice == "scheduled":
        return Release("scheduled", parse_time(form.get("publish_at", ""), dossier().config.office_zone))
    return Release("draft" if choice == "draft" else "published")


def refused_field(upload_form: UploadForm, exc: Refused) -> str:
    """The form field a refusal belongs to: the part's file, or the detail at fault."""
    if exc.part in (None, 0):
        if exc.code == "invalid_metadata" and exc.field:
            return exc.field
        typed = upload_form.release is None or upload_form.release.source is None
        return "release_text" if typed else "release_file"
    prefix = f"att-{upload_form.slots[exc.part - 1]}-"
    return prefix + (exc.field if exc.code == "invalid_metadata" and exc.field in forms.ATTACHMENT_FIELDS else "file")


def render(errors=None, status=200):
    count = slot_count(request.form) if request.method == "POST" else MIN_SLOTS
    return render_template("upload.html", form=request.form, errors=errors or {}, slots=range(count),
                           may_publish=viewer().may("publish"), ocr_default=dossier().config.ocr_languages), status


@bp.route("/upload", methods=["GET", "POST"])
@login_required
def upload():
    if request.method == "GET":
        return render()
    upload_form = read_form(request.form, request.files)
    if "more" in request.form:
        return render()
    refused, unknown = dossier().precheck(upload_form.release, upload_form.attachments, upload_form.attach_ids)
    for exc in refused:
        upload_form.errors.setdefault(refused_field(upload_form, exc), exc.detail)
    if unknown:
        upload_form.errors["attach_ids"] = f"There is no document {', '.join(unknown)}."
    if upload_form.errors:
        return render(upload_form.errors, 400)
    try:
        added = store(upload_form, release_of(request.form), request.form.get("ocr_languages", "").strip() or None)
    except Invalid as exc:
        return render({exc.field or "publish_at": exc.message}, 400)
    except Forbidden as exc:
        return render({"publication": exc.message}, 403)
    except Refused as exc:
        return render({refused_field(upload_form, exc): exc.message}, REFUSED_STATUS.get(exc.code, 400))
    except NotFound as exc:
        return render({"attach_ids": f"There is no document {exc.doc_id}."}, 400)
    parts = [added.main, *added.attachments]
    if added.held:
        flash(added.held + " See the findings below; a publisher can publish it anyway, with a reason.", "warning")
    scans = [p.document.filename for p in parts if p.created and p.document.text_status == "ocr_pending"]
    if scans:
        flash(f"Scanned, without text that can be read: {', '.join(scans)}. Their text is being recognised "
              "automatically (OCR, a few seconds a page) and becomes searchable when that is done; check it "
              "before relying on it.", "warning")
    if any(p.differences for p in parts):
        previews = dossier().previews([p.document.id for p in parts], viewer())
        return render_template("upload_result.html", parts=parts, previews=previews)
    if not added.main.created:
        flash("This release was already stored: its details are as they were.", "info")
    else:
        flash(f"Stored “{added.main.document.title}” with {len(added.attachments)} attachment(s). "
              + STORED_AS[added.main.document.state], "success")
    return redirect(url_for("documents.show", doc_id=added.main.document.id), 303)


@bp.route("/upload/read", methods=["POST"])
@login_required
def read_file():
    """What one chosen file says about itself, as JSON, for the form to pre-fill what is empty."""
    file = request.files.get("file")
    if not chosen(file):
        return jsonify({"error": "Choose a file."}), 400
    try:
        suggested = dossier().suggest(Upload(file.stream, file.filename, {}), request.form.get("part") != "release",
                                      actor=viewer())
    except Refused as exc:
        return jsonify({"error": exc.message, "code": exc.code}), REFUSED_STATUS.get(exc.code, 400)
    except Forbidden as exc:
        return jsonify({"error": exc.message}), 403
    return jsonify(suggested)

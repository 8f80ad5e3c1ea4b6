"""Hostile files built by the tests themselves: they always run, corpus or not.

Each file goes through the real intake (spool, sniff, store, extract in the
worker pool, index) and each test asserts three things: the outcome (the
text_status it was stored with, or the rejection code), the wall time (under
the extraction time limit), and the peak RSS of the extraction worker (under
its memory limit; most cases far under it).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import builders as build
from tests.hostile import harness
from tests.pdfmaker import make_pdf
from tests.uploads import samples
from tests.hostile.conftest import assert_never_contacted, assert_rejected, assert_stored, text_of


# ---- PDF bombs, loops and lies -----------------------------------------------------

def test_flate_bomb_is_refused_without_inflating_it(add) -> None:
    """A 1 MB content stream that inflates to 1 GB of zeros: pypdf's output cap stops it."""
    outcome = add("flate-bomb.pdf", build.flate_bomb_pdf())
    assert_stored(outcome, "failed")
    assert "limit" in outcome.message.lower() or "memory" in outcome.message.lower(), outcome.message


def test_image_bomb_inside_a_pdf_is_never_decoded(add) -> None:
    outcome = add("image-bomb.pdf", build.image_bomb_pdf())
    assert_stored(outcome, "extracted")
    assert outcome.pages == 1


def test_png_claiming_100000_square_pixels_is_stored_as_a_photo_and_never_decoded(add, services) -> None:
    outcome = add("huge.png", build.png_bomb())
    assert_stored(outcome, "not_applicable")
    assert outcome.mime == "image/png"
    [doc] = [d for d in services.repo.iter_documents() if d.filename == "huge.png"]
    assert doc.kind == "photo"


def test_page_tree_loop(add) -> None:
    outcome = add("page-tree-loop.pdf", build.page_tree_loop_pdf())
    assert_stored(outcome, "failed")
    assert "cyclic" in outcome.message


def test_kids_loop_between_two_page_nodes(add) -> None:
    outcome = add("kids-loop.pdf", build.kids_loop_pdf())
    assert_stored(outcome, "failed")
    assert "cyclic" in outcome.message


def test_xref_prev_pointing_to_itself(add) -> None:
    outcome = add("xref-loop.pdf", build.xref_loop_pdf())
    assert_stored(outcome, "extracted")     # the loop is noticed and the one table read once
    assert outcome.pages == 1


def test_arrays_nested_100k_deep_in_the_page_dictionary(add) -> None:
    outcome = add("deep-dict.pdf", build.deep_nesting_pdf())
    assert_stored(outcome, "failed")


def test_arrays_nested_100k_deep_in_the_content_stream(add) -> None:
    outcome = add("deep-content.pdf", build.deep_content_nesting_pdf())
    assert_stored(outcome, "failed")        # a RecursionError in the worker, reported, not a crash
    assert outcome.pages == 1


def test_page_count_of_9999999999_is_not_believed(add) -> None:
    outcome = add("count.pdf", build.huge_count_pdf())
    assert_stored(outcome, "extracted")     # the tree is walked: one page, not ten billion
    assert outcome.pages == 1


@pytest.mark.parametrize("keep", [0.95, 0.5, 0.1])
def test_truncated_pdf(add, tmp_path: Path, keep: float) -> None:
    real = make_pdf(tmp_path / "whole.pdf", ["first page of a motion", "second page", "third page"]).read_bytes()
    outcome = add(f"truncated-{int(keep * 100)}.pdf", build.truncated(real, keep))
    assert_stored(outcome, "failed", "extracted", "partial")


def test_zero_byte_file_is_rejected_as_empty(add) -> None:
    assert_rejected(add("nothing.pdf", b""), "empty")


# ---- polyglots and wrong extensions ------------------------------------------------

def test_html_with_a_pdf_header_named_html_is_html(add, services) -> None:
    outcome = add("polyglot.html", build.html_pdf_polyglot())
    assert_stored(outcome, "extracted")
    assert outcome.mime == "text/html"
    text = text_of(services, outcome, "polyglot.html")
    assert "Visible polyglot words" in text
    assert "SCRIPTPAYLOAD" not in text


def test_html_with_a_pdf_header_named_pdf_is_not_stored_as_html(add) -> None:
    outcome = add("polyglot-as.pdf", build.html_pdf_polyglot())
    # Stored, it is a PDF (served as application/pdf) or it is refused; never an HTML page.
    if outcome.stored:
        assert outcome.mime == "application/pdf"
        assert_stored(outcome, "failed", "extracted", "partial", "empty")
    else:
        assert_rejected(outcome, "type_mismatch")


def test_pdf_with_a_zip_appended_is_a_pdf(add) -> None:
    outcome = add("polyglot-zip.pdf", build.pdf_zip_polyglot())
    assert_stored(outcome, "extracted")
    assert outcome.mime == "application/pdf"


def test_pdf_with_a_zip_appended_named_docx_is_rejected(add) -> None:
    assert_rejected(add("polyglot-zip.docx", build.pdf_zip_polyglot()), "type_mismatch")


@pytest.mark.parametrize("name, data", [
    ("photo.pdf", samples.png()),
    ("brief.docx", build.text_pdf()),
    ("release.txt", samples.docx(["a docx named .txt"])),
    ("page.html", samples.png()),
    ("scan.jpg", build.text_pdf()),
    ("program.pdf", b"\x7fELF\x02\x01\x01" + bytes(200)),
], ids=["png-as-pdf", "pdf-as-docx", "docx-as-txt", "png-as-html", "pdf-as-jpg", "elf-as-pdf"])
def test_wrong_extension_is_rejected(add, name: str, data: bytes) -> None:
    assert_rejected(add(name, data), "type_mismatch")


def test_executable_without_an_extension_is_unsupported(add) -> None:
    assert_rejected(add("tool", b"\x7fELF\x02\x01\x01" + bytes(200)), "unsupported_type")


# ---- HTML -------------------------------------------------------------------------

def test_html_with_script_is_stored_with_no_script_in_its_text_and_nothing_fetched(add, services,
                                                                                     listener) -> None:
    port = listener.getsockname()[1]
    outcome = add("statement.html", build.hostile_html(port))
    assert_stored(outcome, "extracted")
    text = text_of(services, outcome, "statement.html")
    assert "Office statement" in text and "asked for relief" in text
    assert "Second paragraph about <script> tags shown as text." in text  # entities decoded, as text
    for payload in ("SCRIPTPAYLOAD", "STYLEPAYLOAD", "ONLOADPAYLOAD", "ONERRORPAYLOAD", "NOSCRIPTPAYLOAD",
                    "TEMPLATEPAYLOAD", "MODULEPAYLOAD", "fetch(", "document.cookie"):
        assert payload not in text, payload
    assert_never_contacted(listener)


# ---- DOCX -------------------------------------------------------------------------

def test_docx_external_references_are_not_fetched(add, services, listener) -> None:
    port = listener.getsockname()[1]
    outcome = add("external.docx", build.docx_external_refs(port))
    assert_stored(outcome, "extracted")
    text = text_of(services, outcome, "external.docx")
    assert "Motion to dismiss, external references" in text and "Second paragraph" in text
    assert_never_contacted(listener)


def test_docx_zip_bomb_of_1_gb(add) -> None:
    outcome = add("bomb.docx", build.docx_zip_bomb())
    assert_stored(outcome, "failed")
    assert "too large" in outcome.message or "zip bomb" in outcome.message


def test_docx_member_with_a_bomb_ratio(add) -> None:
    outcome = add("ratio.docx", build.docx_ratio_bomb())
    assert_stored(outcome, "failed")
    assert "zip bomb" in outcome.message


def test_docx_member_lying_about_its_size(add) -> None:
    outcome = add("lying.docx", build.docx_lying_sizes())
    assert_stored(outcome, "failed")


def test_docx_billion_laughs(add) -> None:
    outcome = add("laughs.docx", build.docx_billion_laughs())
    assert_stored(outcome, "failed")
    assert "entities" in outcome.message

"""In-process extraction of built fixtures: PDF, HTML, DOCX, plain text, images."""
from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from dossier.indexer.extract import SUPPORTED_MIMES, Extraction, extract
from dossier.indexer.extract.garble import is_garbled
from dossier.repository.models import TEXT_STATUSES
from tests.pdfmaker import make_glyph_named_pdf, make_pdf

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# ---- PDF ----

def test_multi_page_pdf_keeps_page_numbers(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "a.pdf", ["First page: the complaint.", "Second page: the prayer for relief.",
                                         "Third page: signatures."])
    result = extract(path, PDF)
    assert result.status == "extracted" and result.error is None
    assert result.page_count == 3 and len(result.pages) == 3
    assert "complaint" in result.pages[0]
    assert "prayer for relief" in result.pages[1]
    assert "signatures" in result.pages[2]


def test_hyphenated_line_break_is_joined(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "h.pdf", ["It violates the principle of sepa-\nration of powers.\r\nEnd."])
    text = extract(path, PDF).pages[0]
    assert "separation of powers" in text
    assert "\r" not in text and "\x00" not in text


def test_pdf_with_user_password_is_encrypted(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", ["sealed settlement terms"], password="s3cret")
    result = extract(path, PDF)
    assert result.status == "encrypted"
    assert result.pages == ()
    assert result.error


@pytest.mark.parametrize("aes", [True, False], ids=["aes256", "rc4"])
def test_pdf_with_empty_user_password_is_extracted(tmp_path: Path, aes: bool) -> None:
    path = make_pdf(tmp_path / "owner.pdf", ["owner-protected order text"], owner_password="owner", aes=aes)
    result = extract(path, PDF)
    assert result.status == "extracted"
    assert "owner-protected order text" in result.pages[0]


def test_truncated_pdf_fails_with_reason(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", ["a motion to dismiss\n" * 40] * 4).read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    result = extract(path, PDF)
    assert result.status == "failed"
    assert result.error.startswith("unreadable PDF: ")


def test_zero_byte_pdf_fails(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    result = extract(path, PDF)
    assert result.status == "failed" and "empty" in result.error.lower()


def test_pdf_without_text_is_empty(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "blank.pdf", ["", "  "])
    result = extract(path, PDF)
    assert result.status == "empty"
    assert result.page_count == 2 and result.pages == ("", "")


def test_pdf_with_a_blank_page_is_partial(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "gap.pdf", ["the order", "", "the judgment"])
    result = extract(path, PDF)
    assert result.status == "partial"
    assert "1 of 3 pages have no text" in result.error
    assert result.pages[2].strip() == "the judgment"


def test_garbled_pdf_keeps_no_text(tmp_path: Path) -> None:
    soup = "81,7('67$7(6 ',675,&7 &2857 &(175$/ ',675,&7 2) &$/,)251,$ 3/6 127,&( 2) 0" + "7,21 "
    path = make_pdf(tmp_path / "soup.pdf", [soup * 6, soup * 6])
    result = extract(path, PDF)
    assert result.status == "garbled"
    assert result.pages == ("", "") and result.page_count == 2
    assert result.engines == (None, None)


def test_pages_pypdf_garbles_are_read_by_pdfium_page_by_page(tmp_path: Path) -> None:
    named = make_glyph_named_pdf(tmp_path / "named.pdf", ["The court grants the motion to dismiss. " * 4])
    plain = make_pdf(tmp_path / "plain.pdf", ["A first page pypdf reads well enough on its own. " * 4])
    mixed = tmp_path / "mixed.pdf"
    _concatenate([plain, named], mixed)
    result = extract(mixed, PDF)
    assert result.status == "extracted" and result.engines == ("pypdf", "pdfium")
    assert "grants the motion to dismiss" in result.pages[1]


def test_pypdf_stays_first_where_it_reads(tmp_path: Path) -> None:
    result = extract(make_pdf(tmp_path / "a.pdf", ["the complaint", ""]), PDF)
    assert result.engines == ("pypdf", None)


def _concatenate(parts: list[Path], target: Path) -> None:
    from pypdf import PdfWriter
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    writer.write(str(target))


# ---- garble detector ----

REAL_TEXT = [
    "UNITED STATES DISTRICT COURT\nCENTRAL DISTRICT OF CALIFORNIA\nCase No. 8:16-cv-00966-TJH-PJW "
    "Document 123-3 Filed 03/29/19 Page 1 of 41 Page ID #:1609\nThe Court has jurisdiction under "
    "28 U.S.C. § 1331 and § 1367(a). See Smith v. Jones, 512 F.3d 1090, 1095-96 (9th Cir. 2008).",
    "TABLE OF CONTENTS\nI. INTRODUCTION .................................. 1\nII. BACKGROUND "
    "..................................... 3\nA. The Parties ................................ 4\n"
    "III. ARGUMENT ....................................... 7\nIV. CONCLUSION ......... 22\n" * 3,
    "The Department of Health and Human Services today announced $999000 in grants to 42 states "
    "to expand access to treatment for opioid use disorder. The awards, made through HRSA, will "
    "support 1,200 community health centers in FY 2019 and 2020.",
]
SOUP_TEXT = [
    "81,7('\x0367$7(6\x03',675,&7\x03&2857\x03\n&(175$/\x03',675,&7\x032)\x03&$/,)251,$\x03\n"
    "5('$&7('\x03&,9,/\x030,187(6\x03±\x03*(1(5$/\x03\n&DVH\x031R\x11\x03 /$\x03&9\x14\x1a\x10\x13 " * 4,
    "/0 /1/2/3 /1/4 /5/2/6 /7 /1/2/i255/9 /4 /10/2/i255/11/5/4 /12 /10/13/12 /7 /2/6 /14/i255 " * 6,
    "WKH FRXUW ILQGV WKDW WKH SODLQWLII KDV QRW VKRZQ D OLNHOLKRRG RI VXFFHVV RQ WKH PHULWV "
    "DQG WKDW WKH EDODQFH RI HTXLWLHV GRHV QRW WLS LQ KLV IDYRU " * 3,
]


@pytest.mark.parametrize("text", REAL_TEXT)
def test_real_text_is_not_garbled(text: str) -> None:
    assert len(text) >= 200
    assert not is_garbled(text)


@pytest.mark.parametrize("text", SOUP_TEXT)
def test_symbol_soup_is_garbled(text: str) -> None:
    assert is_garbled(text)


def test_too_little_text_is_never_garbled() -> None:
    assert not is_garbled("81,7('67$7(6 ',675,&7 &2857")


# ---- HTML ----

def test_html_drops_scripts_and_decodes_entities(tmp_path: Path) -> None:
    path = tmp_path / "release.html"
    path.write_text(
        "<html><head><title>HHS &amp; You</title><style>p { color: red }</style>"
        "<script>var secret = 'do not index';</script></head><body>"
        "<h1>Secretary Azar&#8217;s statement</h1><p>Grants of $999000 &mdash; awarded.</p>"
        "<noscript>enable javascript</noscript><template><p>hidden template</p></template>"
        "<ul><li>one</li><li>two</li></ul><p>caf&eacute;<br>next line</p></body></html>",
        encoding="utf-8")
    result = extract(path, "text/html")
    text = result.pages[0]
    assert result.status == "extracted"
    for absent in ("do not index", "color", "enable javascript", "hidden template"):
        assert absent not in text
    assert "HHS & You" in text
    assert "Secretary Azar\u2019s statement" in text
    assert "Grants of $999000 \u2014 awarded." in text
    assert "one\ntwo" in text
    assert "café\nnext line" in text


def test_html_uses_meta_charset_when_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "old.html"
    path.write_bytes('<meta charset="windows-1252"><p>“Quoted” café</p>'.encode("cp1252"))
    assert extract(path, "text/html").pages[0] == "“Quoted” café"


# ---- DOCX ----

def _docx(path: Path, body_xml: str, *, prologue: str = "", extra: dict[str, bytes] | None = None) -> Path:
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prologue}'
                f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}</w:body></w:document>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


def test_docx_paragraphs_tabs_and_breaks(tmp_path: Path) -> None:
    body = ('<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
            '<w:r><w:t>DECISION</w:t></w:r></w:p>'
            '<w:p><w:r><w:t xml:space="preserve">Applicant </w:t></w:r><w:r><w:t>requests</w:t>'
            '<w:tab/><w:t>an upgrade</w:t><w:br/><w:t>of discharge.</w:t></w:r></w:p>'
            '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell text</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
            '<w:p><w:r><w:delText>deleted words</w:delText></w:r></w:p>')
    result = extract(_docx(tmp_path / "d.docx", body), DOCX)
    assert result.status == "extracted"
    assert result.pages == ("DECISION\nApplicant requests\tan upgrade\nof discharge.\ncell text",)


def test_docx_zip_bomb_fails_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(64):
                member.write(chunk)
    assert path.stat().st_size < 2**20
    started = time.monotonic()
    result = extract(path, DOCX)
    assert time.monotonic() - started < 2
    assert result.status == "failed" and "too large" in result.error


def test_docx_high_compression_ratio_fails(tmp_path: Path) -> None:
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (20 * 2**20) + b"/>")
    result = extract(path, DOCX)
    assert result.status == "failed" and "zip bomb" in result.error


def test_docx_with_entities_fails(tmp_path: Path) -> None:
    prologue = '<!DOCTYPE w:document [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    path = _docx(tmp_path / "dtd.docx", "<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p>", prologue=prologue)
    assert extract(path, DOCX) == Extraction((), "failed", "docx with DTD entities")


@pytest.mark.parametrize("content", [b"not a zip at all", None], ids=["not-zip", "no-document-xml"])
def test_docx_that_is_not_a_word_file_fails(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "x.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    else:
        path.write_bytes(content)
    result = extract(path, DOCX)
    assert result.status == "failed" and result.error


# ---- plain text ----

def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    text = ("The Secretary\u2019s statement on the \u201cSunshine Act\u201d \u2014 a caf\u00e9 "
            "owner\u2019s na\u00efve r\u00e9sum\u00e9 was filed on the docket.\r\n") * 5
    path = tmp_path / "cp.txt"
    path.write_bytes(text.encode("cp1252"))
    result = extract(path, "text/plain")
    assert result.status == "extracted"
    assert result.pages == (text.replace("\r\n", "\n"),)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_bom_text_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "u.txt"
    path.write_bytes("Motion to dismiss \u00a7 12(b)(6)\r\nGranted.".encode(encoding))
    assert extract(path, "text/plain").pages == ("Motion to dismiss \u00a7 12(b)(6)\nGranted.",)


def test_whitespace_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \r\n\t\n")
    assert extract(path, "text/plain").status == "empty"


# ---- dispatch ----

def test_image_is_not_applicable(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert extract(path, "image/png") == Extraction((), "not_applicable")


def test_unknown_mime_fails() -> None:
    assert extract("/nonexistent", "application/x-nope") == Extraction(
        (), "failed", "no extractor for application/x-nope")


def test_missing_file_fails_without_raising(tmp_path: Path) -> None:
    result = extract(tmp_path / "gone.pdf", PDF)
    assert result.status == "failed"


def test_supported_mimes_and_statuses() -> None:
    assert {PDF, DOCX, "text/html", "text/plain", "image/jpeg", "image/webp"} <= SUPPORTED_MIMES
    assert {"extracted", "partial", "empty", "encrypted", "garbled", "failed",
            "not_applicable", "ocr_pending", "ocr"} == set(TEXT_STATUSES)

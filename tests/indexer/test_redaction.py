"""The bad-redaction check: text under black boxes, on real filings and on PDFs built here."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from fpdf import FPDF

from dossier.indexer import redaction
from dossier.indexer.extract import registry
from dossier.indexer.redaction import check_redactions
from tests.hostile import builders

SECRET = "Jane Q. Doe 555-0134"
BASELINE = 200                 # points from the top, where fpdf2 puts the text's baseline
BOX = (68, 186, 150, 18)       # x, y (top), width, height in points: over SECRET at BASELINE


def made(tmp_path: Path, *steps) -> Path:
    """A one-page letter-size PDF drawn by `steps` in order (each a function of the FPDF)."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for step in steps:
        step(pdf)
    path = tmp_path / "made.pdf"
    pdf.output(str(path))
    return path


def words(text: str = SECRET, grey: int = 0, y: float = BASELINE):
    def draw(pdf: FPDF) -> None:
        pdf.set_text_color(grey)
        pdf.text(72, y, text)
    return draw


def box(x: float = BOX[0], y: float = BOX[1], w: float = BOX[2], h: float = BOX[3], grey: int = 0, **context):
    def draw(pdf: FPDF) -> None:
        pdf.set_fill_color(grey)
        with pdf.local_context(**context):
            pdf.rect(x, y, w, h, style="F")
    return draw


def one_page(tmp_path: Path, content: bytes, *, page_extra: bytes = b"", xobjects: bytes = b"",
             more: dict[int, bytes] | None = None) -> Path:
    """A hand-written one-page PDF: `content` drawn with Helvetica as /F1."""
    objects = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R%s"
           b"/Resources<</Font<</F1 5 0 R>>%s>>>>" % (page_extra, xobjects),
        4: b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        **(more or {}),
    }
    return builders.write(tmp_path / "page.pdf", builders.pdf(objects))


def texts(path: Path) -> list[str]:
    check = check_redactions(path)
    assert check.complete, check.error
    return [finding.text for finding in check.findings]


# ---- PDFs built here ----

def test_a_black_box_drawn_over_text_is_found_with_the_text_it_hides(tmp_path):
    check = check_redactions(made(tmp_path, words(), box()))
    assert check.complete and check.pages == check.pages_checked == 1
    [finding] = check.findings
    assert finding.page == 1 and finding.text == SECRET
    x, y, w, h = BOX
    assert finding.box == pytest.approx((x, 792 - y - h, x + w, 792 - y), abs=0.1)


def test_text_drawn_in_white_over_a_black_box_shows_and_is_no_finding(tmp_path):
    assert texts(made(tmp_path, box(), words(grey=255))) == []


def test_text_drawn_in_the_boxs_own_colour_over_it_is_hidden_all_the_same(tmp_path):
    assert texts(made(tmp_path, box(), words(grey=0))) == [SECRET]


def test_a_black_box_with_nothing_under_it_is_no_finding(tmp_path):
    assert texts(made(tmp_path, words(y=400), box())) == []


def test_a_thin_rule_drawn_through_or_under_text_is_no_finding(tmp_path):
    under = box(y=BASELINE + 1, h=1)
    through = box(y=BASELINE - 4, h=2)
    assert texts(made(tmp_path, words(), under, through)) == []


def test_a_box_that_lets_the_text_show_through_is_no_finding(tmp_path):
    assert texts(made(tmp_path, words(), box(fill_opacity=0.4))) == []
    assert texts(made(tmp_path, words(), box(grey=200))) == []


def test_a_box_clipped_away_is_no_finding_because_the_text_renders(tmp_path):
    def clipped(pdf: FPDF) -> None:
        with pdf.rect_clip(300, 300, 10, 10):
            box()(pdf)
    assert texts(made(tmp_path, words(), clipped)) == []


def test_filler_and_a_lone_character_under_a_box_are_no_finding(tmp_path):
    assert texts(made(tmp_path, words("XXXX XXXXX"), box())) == []
    assert texts(made(tmp_path, words("*  -  A"), box())) == []


def test_the_courts_stamp_line_under_a_box_is_no_finding(tmp_path):
    stamp = "Case 1:21-cv-01061-KLM Document 1 Filed 04/16/21 Page 7 of 16"
    assert texts(made(tmp_path, words(stamp), box(w=400))) == []


def test_text_under_a_box_inside_a_moved_form_xobject_is_found_where_the_box_is(tmp_path):
    form = b"0 0 0 rg 0 0 130 20 re f"      # in the form's own space: moved by its /Matrix, then by cm
    path = one_page(
        tmp_path, b"BT /F1 12 Tf 100 504 Td (Hidden Account 4471) Tj ET q 1 0 0 1 90 400 cm /Fm1 Do Q",
        xobjects=b"/XObject<</Fm1 6 0 R>>",
        more={6: b"<</Type/XObject/Subtype/Form/BBox[0 0 200 200]/Matrix[1 0 0 1 0 100]/Length %d>>\n"
                 b"stream\n" % len(form) + form + b"\nendstream"})
    [finding] = check_redactions(path).findings
    assert finding.text == "Hidden Account 4471"
    assert finding.box == pytest.approx((90, 500, 220, 520), abs=0.1)


def test_a_rotated_page_is_checked_in_its_own_coordinates(tmp_path):
    path = one_page(tmp_path, b"BT /F1 12 Tf 100 504 Td (Hidden Account 4471) Tj ET 0 0 0 rg 95 498 150 18 re f",
                    page_extra=b"/Rotate 90")
    assert texts(path) == ["Hidden Account 4471"]


def test_the_check_resolves_by_name_and_its_result_pickles_as_worker_results_must(tmp_path):
    assert registry.resolve("dossier.indexer.redaction:check_redactions") is check_redactions
    check = check_redactions(made(tmp_path, words(), box()))
    assert pickle.loads(pickle.dumps(check)) == check


# ---- hostile files: a result that says why, never an exception ----

@pytest.mark.parametrize("name, data", [
    ("truncated", builders.truncated(builders.text_pdf(), 0.5)),
    ("page-tree-loop", builders.page_tree_loop_pdf()),
    ("kids-loop", builders.kids_loop_pdf()),
    ("xref-loop", builders.xref_loop_pdf()),
    ("huge-count", builders.huge_count_pdf()),
    ("deep-content-nesting", builders.deep_content_nesting_pdf()),
    ("not-a-pdf", b"GIF89a not a PDF at all"),
    ("empty", b""),
])
def test_a_hostile_file_gives_a_result_not_an_exception(tmp_path, name, data):
    check = check_redactions(builders.write(tmp_path / f"{name}.pdf", data))
    assert check.findings == ()
    assert check.pages_checked <= min(check.pages, redaction.MAX_PAGES)
    if not check.complete:
        assert check.error


def test_a_page_crowded_with_boxes_over_text_is_checked_within_the_caps(tmp_path):
    lines = b"".join(b"BT /F1 6 Tf 10 %d Td (%s) Tj ET " % (y, b"Secret words 0123456789 " * 10)
                     for y in range(20, 700, 7))
    boxes = b"0 0 0 rg " + b"".join(b"%d %d 6 6 re f " % (x, y) for y in range(19, 700, 7) for x in range(10, 600, 3))
    check = check_redactions(one_page(tmp_path, lines + boxes))   # 19,306 boxes, 23,000 characters
    assert check.complete and 0 < len(check.findings) <= redaction.MAX_RENDERS


def test_a_font_mapping_a_glyph_to_half_a_surrogate_pair_gives_text_that_encodes(tmp_path):
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lone def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n1 beginbfchar <41> <D83D> endbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    path = one_page(tmp_path, b"BT /F1 12 Tf 72 720 Td (AB hello world) Tj ET 0 0 0 rg 68 714 110 20 re f", more={
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/ToUnicode 6 0 R>>",
        6: b"<</Length %d>>\nstream\n" % len(cmap) + cmap + b"\nendstream"})
    [finding] = check_redactions(path).findings
    assert finding.text.endswith("B hello world")
    finding.text.encode("utf-8")


def test_a_file_that_cannot_be_opened_says_it_could_not_be_checked(tmp_path):
    check = check_redactions(tmp_path / "missing.pdf")
    assert (check.pages, check.pages_checked, check.complete) == (0, 0, False)
    assert check.error.startswith("could not check: ")


# ---- the real filings ----

def filing(corpus: Path, name: str) -> Path:
    return corpus / "pdf" / "filings" / f"xray__{name}.pdf"


@pytest.mark.corpus
def test_the_complaint_with_boxes_over_its_answers_is_found_on_its_page(corpus):
    check = check_redactions(filing(corpus, "rectangles_yes"))
    assert check.complete
    assert [(f.page, f.text) for f in check.findings] == [
        (1, "“No”"), (1, "“Yes”, but did not disclose all relevant medical history"), (1, "“No”")]


@pytest.mark.corpus
def test_the_letter_with_cross_hatched_boxes_is_found_with_what_they_hide(corpus):
    check = check_redactions(filing(corpus, "bad_cross_hatched_redactions"))
    assert check.complete and {f.page for f in check.findings} == {1}
    hidden = " ".join(f.text for f in check.findings)
    for words in ("November 2019", "accounts and devices not belonging to the defendants",
                  "Prosecutor General of Ukraine, Yuriy Lutsenko (11/6/19);",
                  "information related to Rudolph Giuliani and Victoria Toensing (04/13/2021);"):
        assert words in hidden
    assert len(check.findings) == 16


@pytest.mark.corpus
def test_the_exhibit_whose_boxes_hide_shifted_glyph_codes_is_found_on_pages_18_and_19(corpus):
    """Its font maps glyphs three letters off ("WR PDLQWDLQ" is "to maintain"): shifted back, it reads."""
    check = check_redactions(filing(corpus, "gov.uscourts.cacd.648845.123.3"))
    assert check.complete and {f.page for f in check.findings} == {18, 19}
    assert check.findings[0].text.startswith("WRPDLQWDLQKLJKZD\\VSHHGV")   # "tomaintainhighwayspeeds"


@pytest.mark.corpus
@pytest.mark.parametrize("name", [
    "rectangles_no",                  # the same complaint page, unredacted: underlines only
    "hidden_text_on_visible_text",    # a second text layer on the visible one, and no box at all
    "rect_ordering_1.23",             # a form whose dark bars carry white labels drawn after them
])
def test_real_pages_without_a_bad_redaction_have_no_finding(corpus, name):
    assert texts(filing(corpus, name)) == []

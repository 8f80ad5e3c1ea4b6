"""The metadata reader on real text from the corpus: stamps, captions, courts, types, datelines, EXIF."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from dossier.indexer.extract.pdf import extract_pdf
from dossier.indexer.metadata import read_document
from dossier.indexer.metadata.caption import parties
from dossier.indexer.metadata.courts import court, district
from dossier.indexer.metadata.doctype import doc_type
from dossier.indexer.metadata.photo import read_photo
from dossier.indexer.metadata.release import dateline, headline
from dossier.indexer.metadata.stamp import read_stamp

pytestmark = pytest.mark.corpus


@lru_cache(maxsize=None)
def _pages(path: str) -> tuple[str, ...]:
    return tuple(extract_pdf(Path(path)).pages[:2])


def pages(corpus: Path, name: str) -> list[str]:
    return list(_pages(str(corpus / "pdf" / name)))


def test_district_stamp_gives_case_document_date_and_pages(corpus):
    stamp = read_stamp("\n".join(pages(corpus, "filings/xray__gov.uscourts.cand.320086.220.3.pdf")))
    assert stamp.case_number == "3:17-cv-06932"          # the judge's initials are not part of it
    assert stamp.document_number == "220-3"
    assert stamp.filed == "2019-06-07"
    assert stamp.pages == 28


@pytest.mark.parametrize("name, case, document, filed", [
    ("opinions/cl__gov.uscourts.ca1.12-2209.00106475093.0.pdf", "12-2209", "00116475093", "2013-01-03"),
    ("filings/cl__gov.uscourts.ca8.17-2543.00803263743.0.pdf", "17-2543", None, "2017-07-26"),
    ("filings/doctor__ca9_19.pdf", "20-16276", "19", "2020-08-05"),
    ("filings/doctor__ca6_1-3.pdf", "17-3994", "1-3", "2017-09-20"),
    ("scanned/doctor__ca4_17.pdf", "17-2218", "17", "2017-10-31"),
    ("filings/xray__rect_ordering_1.23.pdf", "15-11680", "1", "2015-03-31"),
])
def test_appellate_and_bankruptcy_stamps(corpus, name, case, document, filed):
    stamp = read_stamp("\n".join(pages(corpus, name)))
    assert (stamp.case_number, stamp.document_number, stamp.filed) == (case, document, filed)


def test_a_case_number_line_in_a_caption_is_no_stamp():
    assert read_stamp("Case No. 2:14-cv-0034-DDP-PLA\nCLASS ACTION") is None


@pytest.mark.parametrize("name, expected", [
    ("filings/xray__gov.uscourts.cand.320086.220.3.pdf", "N.D. Cal."),
    ("filings/xray__gov.uscourts.cacd.600795.150.0.pdf", "C.D. Cal."),
    ("filings/xray__rectangles_no.pdf", "D. Colo."),
    ("filings/doctor__ca9_19.pdf", "9th Cir."),               # not the district court it appeals from
    ("opinions/cl__8thCircuit-071306U.pdf", "8th Cir."),       # not the designated judge's court in a footnote
    ("opinions/doctor__gov.uscourts.njd.387907.32.0.pdf", "D.N.J."),
    ("opinions/cl__DC-Circuit-07-3125-1229519.pdf", "D.C. Cir."),
    ("opinions/cl__opinion_tax.pdf", "T.C."),
    ("opinions/doctor__missouri.pdf", "Mo. Ct. App."),
    ("opinions/doctor__ca7_3.pdf", "7th Cir."),                # "Court of AppealsFor the Seventh Circuit"
    ("filings/xray__rect_ordering_1.23.pdf", "Bankr. N.D. Ill."),
])
def test_caption_court_as_bluebook_abbreviation(corpus, name, expected):
    assert court(pages(corpus, name)[0]) == expected


def test_district_abbreviations_close_up_initials():
    assert district("DISTRICT", None, "NEW MEXICO") == "D.N.M."
    assert district("DISTRICT", "SOUTHERN", "NEW YORK") == "S.D.N.Y."
    assert district("DISTRICT", "NORTHERN", "CALIFORNIA") == "N.D. Cal."
    assert court("UNITED STATES DISTRICT COURT\nFOR THE DISTRICT OF NEW MEXICO") == "D.N.M."


@pytest.mark.parametrize("name, expected", [
    ("filings/xray__gov.uscourts.cand.320086.220.3.pdf", "MICRON TECHNOLOGY, INC. v. UNITED MICROELECTRONICS CORPORATION"),
    ("filings/xray__gov.uscourts.cacd.579818.150.2.pdf", "JERALD FRIEDMAN v. AARP, INC."),
    ("opinions/doctor__ca5_00516242060.pdf", "Vanessa St. Pierre v. Standard Insurance Company"),
    ("filings/xray__rectangles_no.pdf", "BERKSHIRE LIFE INSURANCE COMPANY OF AMERICA v. ANNA SCHUBERT"),
])
def test_parties_from_the_caption(corpus, name, expected):
    assert parties(pages(corpus, name)[0]) == expected


@pytest.mark.parametrize("name", ["filings/doctor__ca2_1-1.pdf", "filings/xray__gov.uscourts.cacd.579818.150.4.pdf"])
def test_no_caption_no_parties(corpus, name):
    assert parties(pages(corpus, name)[0]) is None


@pytest.mark.parametrize("name, expected", [
    ("filings/xray__gov.uscourts.cacd.645219.282.0.pdf", "motion"),        # NOTICE OF MOTION AND MOTION
    ("filings/xray__gov.uscourts.cacd.645219.282.1.pdf", "memorandum"),
    ("filings/xray__gov.uscourts.cacd.579818.150.2.pdf", "declaration"),
    ("filings/xray__gov.uscourts.cacd.579818.150.4.pdf", "exhibit"),
    ("filings/xray__gov.uscourts.cacd.600795.150.0.pdf", "transcript"),
    ("filings/xray__gov.uscourts.cacd.639877.53.0.pdf", "brief"),          # an opposition
    ("filings/xray__gov.uscourts.cand.316263.220.0.pdf", "complaint"),
    ("filings/doctor__ca8_.pdf", "letter"),
    ("opinions/doctor__gov.uscourts.cacd.652774.40.0.pdf", "order"),
    ("opinions/doctor__ca5_00516242060.pdf", "opinion"),                   # Per Curiam
])
def test_document_type_from_title_lines(corpus, name, expected):
    assert doc_type(pages(corpus, name)[0]) == expected


def test_unsure_type_suggests_nothing(corpus):
    assert doc_type(pages(corpus, "filings/doctor__cafc_3.pdf")[0]) is None       # a blank appearance form


def test_opinion_without_stamp_gives_its_filed_line(corpus):
    reading = read_document("filing", "application/pdf", pages(corpus, "opinions/cl__9thCircuit-07-55393.pdf"))
    assert reading.values["date"] == "2010-02-05"
    assert reading.where["date"] == "filed date on the first page"


def _release(corpus: Path, pattern: str) -> tuple[str, dict]:
    path = next((corpus / "press-releases").glob(pattern))
    record = json.loads(path.read_text(encoding="utf-8"))
    title = record.get("title") if record.get("title") not in (None, "None") else None
    text = record.get("body_text") or ""
    return (f"{title}\n\n{text}" if title else text), record


def test_dateline_date_agrees_with_the_release(corpus):
    text, record = _release(corpus, "congress/2006-01-13__john_lewis__*.json")
    assert dateline(text) == (record["date"], None)
    text, record = _release(corpus, "congress/2013-12-05__elijah_cummings__*.json")
    assert dateline(text) == ("2013-12-05", "Baltimore, MD")


def test_dateline_place_without_date(corpus):
    text, _ = _release(corpus, "congress/2009-06-25__david_price__*.json")
    assert dateline(text) == (None, "Washington, D.C.")


def test_headline_is_never_a_paragraph_cut_mid_word(corpus):
    text, _ = _release(corpus, "congress/2004-12-15__lindsey_graham__*.json")
    title = headline(text)
    assert title and len(title) <= 150
    assert not title.startswith("Wes Hickman")               # the press contacts are no headline
    assert text.replace("\n", " ").find(title.rstrip("…")) >= 0
    assert title.endswith("…") or title[-1] not in "abcdefghijklmnopqrstuvwxyz" or title in text


def test_headline_is_the_heading_line(corpus):
    text, record = _release(corpus, "hhs/*draft-trusted-exchange*.json")
    assert headline(text) == record["title"]


def test_photo_date_caption_orientation_and_no_gps(corpus):
    facts = read_photo(corpus / "photos" / "exif__long_description.jpg")
    assert facts.taken == "2008-07-31"
    assert facts.caption.startswith("Operation Mountain Viper")
    assert read_photo(corpus / "photos" / "exif__orientation_landscape_6.jpg").orientation == "rotated 90° clockwise"
    reading = read_document("photo", "image/jpeg", [], corpus / "photos" / "exif__gps_DSCN0010.jpg")
    assert reading.values["date"] == "2008-10-22"
    assert not any("gps" in str(k).lower() or "gps" in str(v).lower() for k, v in reading.to_dict()["values"].items())


@pytest.mark.parametrize("name", ["exif__corrupted.jpg", "exif__tests_36-memory_error.jpg",
                                  "exif__tests_42_IndexError.jpg", "exif__invalid_image00971.jpg"])
def test_broken_exif_reads_what_it_can_and_never_raises(corpus, name):
    reading = read_document("photo", "image/jpeg", [], corpus / "photos" / name)
    assert set(reading.values) <= {"date", "title", "caption", "orientation"}


@pytest.mark.parametrize("name, expected", [
    ("opinions/cl__11thCircuit-200814991.pdf", "08-14991"),
    ("opinions/cl__2ndCircuit-08-6301-cv_opn.pdf", "08-6301-cv"),
    ("opinions/cl__7thCircuit-UZ1FFY4T.pdf", "08-2110"),
])
def test_an_opinion_without_a_stamp_gives_the_docket_number_under_its_caption(corpus, name, expected):
    assert read_document("filing", "application/pdf", pages(corpus, name)).values["case_number"] == expected


def test_a_number_in_a_sentence_is_no_docket_number():
    from dossier.indexer.metadata.caption import docket_number
    assert docket_number("the First Circuit's decision in United States v. Qin, No. 21-1832, __F.4th__") is None


@pytest.mark.parametrize("name", ["opinions/cl__opinion_pdf_text_based.pdf",      # (Slip Opinion); delivered the opinion
                                  "opinions/cl__Diaz_v._Create_and_Construct__LLC_Appeals_Board_Opinion.pdf"])
def test_an_opinion_that_says_so_without_a_title_line(corpus, name):
    assert doc_type(pages(corpus, name)[0]) == "opinion"

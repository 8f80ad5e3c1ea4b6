"""The court's e-filing stamp, printed at the top or foot of every page of a filing.

District courts (CM/ECF):  Case 3:17-cv-06932-MMC Document 86 Filed 06/07/19 Page 1 of 28
Bankruptcy courts:         Case 15-11680 Doc 1 Filed 03/31/15 Entered 03/31/15 16:49:55
Courts of appeals:         Case: 12-2209 Document: 00116475093 Page: 1 Date Filed: 01/03/2013
                           Appellate Case: 17-2543 Page: 1 Date Filed: 07/26/2017 Entry ID: 4561396
                           Case: 20-16276, 08/05/2020, ID: 11778722, DktEntry: 19, Page 1 of 15
                           Appeal: 17-2218 Doc: 17 Filed: 10/31/2017 Pg: 1 of 1
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import numeric

_DATE = r"(\d{1,2})/(\d{1,2})/(\d{2,4})"
_CASE = r"(?:Appellate\s+)?Case:?|Appeal:"
# A district case number: office, year, type, serial; the judges' initials after it are not part of it.
DISTRICT_NUMBER = re.compile(r"\d:\d{2}-[a-z]{2,4}-\d{3,6}")
STAMP = re.compile(rf"(?:^|\n)[ \t]*(?:{_CASE})[ \t]+(\S+?),?[ \t]+(?P<rest>[^\n]*?(?:Filed|DktEntry)[^\n]*)", re.I)
DOCUMENT = re.compile(r"\b(?:Document|Doc|DktEntry):?\s+(\d[\d.-]*\d|\d)", re.I)
FILED = re.compile(rf"\bFiled:?\s+{_DATE}", re.I)
LEADING_DATE = re.compile(rf"^{_DATE},")          # the Ninth and Second Circuits' "Case: 20-16276, 08/05/2020,"
PAGES = re.compile(r"\b(?:Page|Pg)s?:?\s*(?:\d+\s+of\s+)?(\d+)\b", re.I)
PAGE_OF = re.compile(r"\b(?:Page|Pg):?\s*\d+\s+of\s+(\d+)\b", re.I)
CASE_NUMBER = re.compile(r"^(?:\d:\d{2}-[a-z]{2,4}-\d{3,6}|\d{2}-\d{3,5}(?:-[a-z]{2})?)", re.I)


@dataclass(frozen=True)
class Stamp:
    case_number: str
    document_number: str | None
    filed: str | None          # YYYY-MM-DD
    pages: int | None          # "Page 1 of 28": 28


def read_stamp(text: str) -> Stamp | None:
    """The first e-filing stamp in ``text`` (a page or two), or None when there is none."""
    for match in STAMP.finditer(text):
        number = CASE_NUMBER.match(match.group(1))
        if not number:
            continue
        rest = match.group("rest")
        return Stamp(number.group(0), _document(rest), _filed(rest), _pages(rest))
    return None


def _document(rest: str) -> str | None:
    match = DOCUMENT.search(rest)
    return match.group(1) if match else None


def _filed(rest: str) -> str | None:
    match = FILED.search(rest) or LEADING_DATE.match(rest.strip())
    return numeric(*match.groups()) if match else None


def _pages(rest: str) -> int | None:
    match = PAGE_OF.search(rest) or re.search(r"\bPages:\s*(\d+)", rest)
    return int(match.group(1)) if match else None

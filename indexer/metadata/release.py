"""A press release's headline, dateline and letterhead.

Releases of Members of Congress open with a dateline: "September 1, 2005 - WASHINGTON, DC - ...",
"BALTIMORE, MD (December 5, 2013) -", "06.18.12 Rep. Schiff ...", "(Washington, D.C.)".
"""
from __future__ import annotations

import re

from .dates import WRITTEN, iso, written

MAX_HEADLINE = 150
# A first line longer than this is a paragraph, not a heading.
MAX_HEADING = 300
# What opens a release before its headline or dateline and is neither.
PREAMBLE = re.compile(r"^\s*(?:FOR IMMEDIATE RELEASE|NEWS RELEASE|PRESS RELEASE|MEDIA ADVISORY)[\s:.–-]*", re.I)
# "Wes Hickman (202-224-5972) or Kevin Bishop (864-250-1417)": press contacts.
CONTACTS = re.compile(r"^\s*(?:(?:Contact:?\s*)?[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3},?\s*\(?\d{3}[)\s.-]*\d{3}[\s.-]\d{4}\)?"
                      r"(?:\s*(?:or|and|,)\s*)?)+")
DASH = r"\s*(?:--|[-–—])\s*"
_PLACE = r"[A-Z][A-Za-z.'’]+(?:[ ][A-Z][A-Za-z.'’]+){0,3},?(?:[ ](?:[A-Z][A-Za-z.]{0,13}\.?|D\.C\.|[A-Z]{2})){0,2}"
PLACE_FIRST = re.compile(rf"^\(?(?P<place>{_PLACE})\)?(?:\s*\((?P<date>[^)]{{6,20}})\))?{DASH}|^\((?P<paren>{_PLACE})\)\s")
DATE_FIRST = re.compile(rf"^(?P<date>{WRITTEN.pattern})(?:{DASH}|\s+(?=[A-Z]{{4}}))"
                        rf"(?:(?P<place>{_PLACE})(?:\s*\([^)]{{6,20}}\))?{DASH})?", re.I)
DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})\s")          # Rep. Schiff's "06.18.12"
# A place is a city and its state: two words at most before the comma, or a known capital.
CITY_STATE = re.compile(r"^[A-Z][\w.'’ ]{1,30},\s*[A-Z][\w.]{1,14}\.?(?: [A-Z][\w.]*)?$|^WASHINGTON$|^Washington$", re.I)
# A full stop that ends a sentence: not after an initial or a short title ("Rep.", "U.S.", "Jr.").
SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b(?:Mr|Ms|Dr|Jr|Sr|St|No))(?<!\b(?:Rep|Sen|Gov|Sgt|Inc))(?<!U\.S)"
                          r"[.!?][\"”’]?(?=\s+[A-Z\"“])")
LETTERHEAD = re.compile(r"^(?:(?:[A-Z][\w.]*|of|the|and)\s+)*?(?:Office of the [A-Z][\w ]+|Attorney General|"
                        r"Department of [A-Z][\w ,&]+)$")
LETTERHEAD_LINES = 3


def strip_preamble(text: str) -> str:
    text = PREAMBLE.sub("", text.lstrip("\ufeff \n"))
    return CONTACTS.sub("", text).lstrip()


def dateline(text: str) -> tuple[str | None, str | None]:
    """(date as YYYY-MM-DD, place) of the dateline that opens the body, each None when absent."""
    body = strip_preamble(_body(text))
    if match := DOTTED.match(body):
        month, day, year = (int(g) for g in match.groups())
        return iso(2000 + year, month, day), None
    if match := DATE_FIRST.match(body):
        return written(match.group("date")), _place(match.group("place"))
    if match := PLACE_FIRST.match(body):
        date = written(match.group("date")) if match.group("date") else None
        return date, _place(match.group("place") or match.group("paren"))
    return None, None


def _place(place: str | None) -> str | None:
    if not place:
        return None
    place = place.strip(" ,()")
    if not CITY_STATE.match(place):
        return None
    city, _, state = place.partition(",")
    if city.isupper() and len(city) > 3:
        city = city.title()      # "WASHINGTON, DC" -> "Washington, DC": a state's letters stay
    return f"{city},{state}" if state else city


def headline(text: str) -> str | None:
    """The first line when it is a heading (more follows, and it is no long paragraph); else the
    body's first sentence after its dateline. At most MAX_HEADLINE characters, cut at a word."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    first = strip_preamble(lines[0])
    if is_heading(lines):
        return shorten(first)
    sentence = SENTENCE_END.split(after_dateline(first), maxsplit=1)[0].strip()
    return shorten(sentence) if sentence else None


def is_heading(lines: list[str]) -> bool:
    first = strip_preamble(lines[0])
    return len(lines) > 1 and 0 < len(first) <= MAX_HEADING and not first.endswith(".")


def shorten(text: str, limit: int = MAX_HEADLINE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


def office(text: str) -> str | None:
    """The office a letterhead names in the release's first lines ("Office of the Attorney General")."""
    for line in [ln.strip() for ln in text.splitlines() if ln.strip()][:LETTERHEAD_LINES]:
        if len(line) <= 80 and LETTERHEAD.match(line):
            return line
    return None


def _body(text: str) -> str:
    """The text after a heading line, or all of it when its first line is already the body."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines[1:] if lines and is_heading(lines) else lines)


def after_dateline(body: str) -> str:
    for pattern in (DOTTED, DATE_FIRST):
        if match := pattern.match(body):
            return body[match.end():].lstrip()
    if (match := PLACE_FIRST.match(body)) and _place(match.group("place") or match.group("paren")):
        return body[match.end():].lstrip()
    return body


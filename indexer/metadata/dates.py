"""Dates as documents print them, to ISO: 06/07/19, 06/07/2019, June 7, 2019, 7 June 2019."""
from __future__ import annotations

import datetime as dt
import re

MONTHS = {name: n for n, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
MONTH_NAME = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# "June 7, 2019", "JUNE 7,2019", "Sept. 1, 2005"
WRITTEN = re.compile(rf"\b({MONTH_NAME})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s*(\d{{4}})\b", re.I)
# "11 February 2022"
DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\s+({MONTH_NAME})\s+(\d{{4}})\b", re.I)
NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")
# Documents older than this or from the future are misreadings, not dates.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100


def iso(year: int, month: int, day: int) -> str | None:
    if not EARLIEST_YEAR <= year < LATEST_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def month_number(name: str) -> int | None:
    name = name.lower().rstrip(".")
    return next((n for full, n in MONTHS.items() if full.startswith(name) and len(name) >= 3), None)


def numeric(month: str, day: str, year: str) -> str | None:
    """A US numeric date; two-digit years are this century (e-filing began in the 1990s)."""
    y = int(year)
    if len(year) == 2:
        y += 2000 if y < 90 else 1900
    return iso(y, int(month), int(day))


def written(text: str) -> str | None:
    """The first date written with its month's name, at the start of ``text``."""
    match = WRITTEN.match(text)
    if match and (month := month_number(match.group(1))):
        return iso(int(match.group(3)), month, int(match.group(2)))
    match = DAY_FIRST.match(text)
    if match and (month := month_number(match.group(2))):
        return iso(int(match.group(3)), month, int(match.group(1)))
    return None

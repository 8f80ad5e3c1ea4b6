"""A court filing's first page: stamp, caption, court, parties, type, and a "Filed" line."""
from __future__ import annotations

import re

from .caption import docket_number, parties
from .courts import court
from .dates import WRITTEN, DAY_FIRST, written
from .doctype import doc_type
from .stamp import read_stamp

# Opinions without a stamp print their date: "Filed: February 5, 2010", "Decided and Filed: ...",
# "(Filed:February 5, 2010)", "Filed 11 February 2022". "Decided" alone is the day of decision, which
# is also the day an opinion is filed in the courts of appeals.
# Only at the start of a line (or of a caption column): a sentence saying what was "filed February
# 5" is no filed date.
FILED_LINE = re.compile(rf"(?:^|[()][ \t]*)[ \t]*(?:Decided and )?(?:Filed|FILED):?[ \t]*"
                        rf"(?=(?i:{WRITTEN.pattern}|{DAY_FIRST.pattern}))", re.M)
DECIDED_LINE = re.compile(rf"\b(?:Decided|DECIDED):?\s*(?=(?i:{WRITTEN.pattern}))")
# The clerk's box of the courts of appeals: "FILED United States Court of Appeals Tenth Circuit February 5, 2010".
CLERK_BOX = re.compile(r"\bF ?I ?L ?E ?D\s+(?:U\.S\.|United States)\s+Court of Appeals\s+\w+(?: of \w+)? Circuit\s+", re.I)


def read_filing(pages: list[str]) -> dict[str, tuple[object, str]]:
    """field -> (value, where it was read) for what the first pages say clearly."""
    first = pages[0] if pages else ""
    head = "\n".join(pages[:2])
    out: dict[str, tuple[object, str]] = {}
    stamp = read_stamp(head)
    if stamp:
        out["case_number"] = (stamp.case_number, "e-filing stamp")
        if stamp.document_number:
            out["document_number"] = (stamp.document_number, "e-filing stamp")
        if stamp.filed:
            out["date"] = (stamp.filed, "e-filing stamp")
        if stamp.pages:
            out["stamp_pages"] = (stamp.pages, "e-filing stamp")
    if "case_number" not in out and (number := docket_number(first)):
        out["case_number"] = (number, "docket number under the caption")
    if "date" not in out and (date := filed_line(head)):
        out["date"] = (date, "filed date on the first page")
    for name, value in (("court", court(first)), ("parties", parties(first)), ("doc_type", doc_type(first))):
        if value:
            out[name] = (value, "caption" if name != "doc_type" else "title")
    if title := _title(out):
        out["title"] = (title, "caption and title")
    return out


def _title(found: dict) -> str | None:
    """"Motion, Micron Technology, Inc. v. United Microelectronics Corporation"; or with the court
    and case number when the caption gives no parties."""
    kind = found.get("doc_type", (None,))[0]
    if not kind:
        return None
    if parties_read := found.get("parties", (None,))[0]:
        return f"{kind.capitalize()}, {parties_read}"
    where = " ".join(str(found[k][0]) for k in ("court", "case_number") if k in found)
    return f"{kind.capitalize()}, {where}" if where else None


def filed_line(text: str) -> str | None:
    for pattern in (FILED_LINE, CLERK_BOX, DECIDED_LINE):
        if match := pattern.search(text):
            if date := written(text[match.end():match.end() + 40]):
                return date
    return None

"""The parties of a caption: the first named on each side of its "v.", as "Jinhua v. Micron".

A caption prints one party block, a line "v." (or "vs.", "versus"), and the other block, each
block ending with its role ("Plaintiff,", "Defendants-Appellees."). Only that shape is read: a
first page without it suggests nothing.
"""
from __future__ import annotations

import re

VERSUS = re.compile(r"^[\s*:)\]|–-]*(?:v|vs|versus|against)\.?[\s*:)\]|–-]*$", re.I)
ROLE = re.compile(r"^(?:plaintiffs?|defendants?|petitioners?|respondents?|appellants?|appellees?|movants?|"
                  r"claimants?|debtors?|employee|employer|intervenors?|cross|counter)\b", re.I)
ROLE_ANYWHERE = re.compile(r"[,\s]*\b(?:(?:plaintiffs?|defendants?|petitioners?|respondents?)"
                           r"(?:[\s,–—-]+(?:appellants?|appellees?|petitioners?|respondents?))?|appellants?|appellees?)"
                           r"\s*[,.]?\s*$", re.I)
# Where a block above the "v." begins: the line before it is one of these.
BOUNDARY = re.compile(r"(?:COURT|CIRCUIT|DIVISION|DISTRICT OF [A-Z ]+|^_{3,}|^-{3,}|\bNos?\.\s*[\w:-]*\d|"
                      r"^\d{2,4}-\d{3,5}$|Civil Action|Attorneys? for|Counsel for|TERM|PRESIDING|Argued)", re.I)
# Marginal columns of a caption: ")" and "]" and ":" rules, pleading-paper line numbers.
MARGIN = re.compile(r"\s*[)\]:*þüý]\s*.*$|^\s*\d{1,2}\s+")
# What follows a party's name: descriptions, further parties.
NAME_END = re.compile(r",?\s+(?:et\s+al\b|individually|on behalf|an individual|in (?:his|her|its|their) official|"
                      r"as (?:representative|trustee|executor)|also known as|a/k/a|d/b/a|dba|and all others|"
                      r"District Director|Warden|Secretary|Commissioner of)|;|,\d|\s\d+$|\s+and\s+[A-Z]", re.I)
CORPORATE = re.compile(r"^(?:inc|llc|l\.l\.c|ltd|l\.p|lp|llp|co|corp|n\.a|p\.c|s\.a|plc)\b\.?", re.I)
MAX_BLOCK = 20
MAX_NAME = 80
LINES = 120         # the caption is in the first lines of the first page


# A court of appeals prints its docket number on a line of its own under the caption: "No. 08-14991",
# "Docket No. 08-6301-cv". Only a whole line counts: a number in a sentence is a cited case's.
DOCKET_LINE = re.compile(r"^\s*(?:Docket\s+)?No\.\s*(\d{2}-\d{3,5}(?:-[a-z]{2,3})?)\s*$", re.M)
DOCKET_LINES = 60


def docket_number(text: str) -> str | None:
    match = DOCKET_LINE.search("\n".join(text.splitlines()[:DOCKET_LINES]))
    return match.group(1) if match else None


def parties(text: str) -> str | None:
    lines = [ln.strip() for ln in text.splitlines()[:LINES * 3] if ln.strip()][:LINES]
    for i, line in enumerate(lines):
        if VERSUS.match(line):
            first, second = _block_above(lines, i), _block_below(lines, i)
            a, b = _name(first), _name(second)
            if a and b:
                return f"{a} v. {b}"
            return None      # the first "v." decides: a second caption further down is not this one's
    return None


def _clean(line: str) -> str:
    return MARGIN.sub("", line).strip()


def _block_above(lines: list[str], i: int) -> list[str]:
    block: list[str] = []
    for line in reversed(lines[max(0, i - MAX_BLOCK):i]):
        text = _clean(line)
        if BOUNDARY.search(text) and not ROLE.match(text):
            break
        block.insert(0, text)
    else:
        return []       # no heading above it within reach: not a caption we can delimit
    while block and (ROLE.match(block[-1]) or not block[-1]):
        block.pop()
    return block


def _block_below(lines: list[str], i: int) -> list[str]:
    block: list[str] = []
    for line in lines[i + 1:i + 1 + MAX_BLOCK]:
        text = _clean(line)
        if ROLE.match(text):
            return block
        block.append(text)
    return []           # no role line: not a caption


def _name(block: list[str]) -> str | None:
    text = " ".join(t for t in block if t)
    text = ROLE_ANYWHERE.sub("", text).strip(" ,")
    if not text or not any(ch.isalpha() for ch in text):
        return None
    name = NAME_END.split(text, maxsplit=1)[0]
    name = _first_party(name).strip(" ,")
    if name.endswith(".") and not CORPORATE.fullmatch(name.rsplit(" ", 1)[-1].rsplit(",", 1)[-1]):
        name = name[:-1]
    if not name or len(name) > MAX_NAME or not name[0].isalnum():
        return None
    return name


def _first_party(text: str) -> str:
    """"AARP, INC., AARP SERVICES INC." -> "AARP, INC."; a corporate suffix stays with its name."""
    pieces = text.split(", ")
    name = pieces[0]
    for piece in pieces[1:]:
        if not CORPORATE.match(piece):
            break
        name += ", " + CORPORATE.match(piece).group(0)
    return name

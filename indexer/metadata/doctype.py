"""What kind of document a filing is, from its title lines ("NOTICE OF MOTION AND MOTION TO DISMISS")."""
from __future__ import annotations

import re

# The title's first words -> the type; the first that matches wins, so longer phrases come first.
TITLES = (
    (r"NOTICE OF (?:MOTION|APPLICATION)", "motion"),
    (r"MEMORANDUM (?:OPINION|DECISION)", "opinion"),
    (r"MEMORANDUM (?:AND|&) ORDER|MEMORANDUM ORDER|SUMMARY ORDER", "order"),
    (r"MEMORANDUM (?:OF (?:POINTS|LAW)|IN (?:SUPPORT|OPPOSITION)|ISO)", "memorandum"),
    (r"ORDER AND JUDGE?MENT", "judgment"),
    (r"(?:FINAL )?JUDGE?MENT\b", "judgment"),
    (r"(?:\[PROPOSED\] )?ORDER\b|O R D E R\b|CIVIL MINUTES", "order"),
    (r"(?:SECOND |FIRST |THIRD )?(?:AMENDED )?(?:CLASS ACTION )?COMPLAINT\b", "complaint"),
    (r"(?:EMERGENCY |JOINT |RENEWED )?MOTION\b", "motion"),
    (r"(?:OPENING |REPLY |ANSWERING |RESPONSE |AMICUS )?BRIEF(?:ING)?\b|OPPOSITION\b|REPLY\b|RESPONSE IN OPPOSITION", "brief"),
    (r"(?:SUPPLEMENTAL )?DECLARATION\b|AFFIDAVIT\b", "declaration"),
    (r"EXHIBIT\b", "exhibit"),
    (r"(?:REPORTER'S |CERTIFIED |OFFICIAL )?TRANSCRIPT\b", "transcript"),
    (r"(?:JOINT )?STIPULAT(?:ION|ED)\b", "stipulation"),
    (r"(?:DOCKETING )?NOTICE\b", "notice"),
    (r"OPINION\b|PER CURIAM\b", "opinion"),
)
_TITLE = re.compile("|".join(f"(?P<t{i}>{pattern})" for i, (pattern, _) in enumerate(TITLES)))
# Whose paper it is, before the title: "PLAINTIFFS' ", "DEFENDANT FUJIAN JINHUA ... CO., LTD.'S ".
OWNER = re.compile(r"^(?:[A-Z][\w.,&-]*\s+){0,8}?[A-Z][\w.&-]*'S?\s+")
# A circuit opinion names its author on the first page ("FAY, Circuit Judge:").
AUTHOR = re.compile(r"^[A-Z][A-Za-z' .-]+, (?:Chief |Senior )?(?:Circuit|District) Judge[.:]", re.M)
# An opinion says so without a title line: the Supreme Court's "(Slip Opinion)", a state court's
# "Opinion of the Court", "delivered the opinion", or a court of appeals' argued case before a panel.
OPINION = re.compile(r"^\s*\d*\s*\(Slip Opinion\)|^\s*Opinion of the Court\s*$|delivered the opinion of", re.M)
ARGUED = re.compile(r"^\s*\(?Argued:?\s", re.M)
PANEL = re.compile(r"^\s*Before:?\s", re.M)
LETTER = re.compile(r"^\s*Dear (?:Mr|Ms|Mrs|Judge|Counsel|Clerk|Sir|Madam)\b", re.M)
MAX_TITLE_LINE = 100
UPPER_SHARE = 0.8


def doc_type(text: str) -> str | None:
    """The type of the first title line on a first page; None when no line reads as a title."""
    for line in text.splitlines():
        line = " ".join(line.replace("’", "'").split())
        if title_like(line) and (kind := _kind(line)):
            return kind
    if LETTER.search(text):
        return "letter"
    if AUTHOR.search(text) or OPINION.search(text) or (ARGUED.search(text) and PANEL.search(text)):
        return "opinion"
    return None


def title_like(line: str) -> bool:
    """Capitals (or Title Case), short, not a sentence."""
    letters = [ch for ch in line if ch.isalpha()]
    if not letters or len(line) > MAX_TITLE_LINE:
        return False
    if sum(ch.isupper() for ch in letters) / len(letters) >= UPPER_SHARE:
        return True
    words = [w for w in line.split() if len(w) > 3]
    return bool(words) and all(w[0].isupper() for w in words) and not line.endswith(".")


def _kind(line: str) -> str | None:
    upper = line.upper().lstrip("*[(- ").rstrip("*")
    for candidate in (upper, OWNER.sub("", upper, count=1)):
        match = _TITLE.match(candidate)
        if match:
            return TITLES[int(match.lastgroup[1:])][1]
    return None

"""Queries people type half-finished, mended before they are parsed, each mend said in words.

Whoosh's parser never fails, it guesses: ``"unclosed phrase`` becomes two loose words, ``title:(``
a search for the word "title", ``fraud AND`` drops the AND. Here an unclosed quote or bracket is
closed, a stray closing bracket, a field name with nothing after it and a dangling AND/OR/NOT are
dropped, and ``title: fraud`` is read as ``title:fraud``; the search page shows what was read and
why ("We read your query as ...").
"""
from __future__ import annotations

import re
from collections.abc import Collection

_OPERATORS = ("AND", "OR", "NOT", "ANDNOT")
_LEADING_OPERATOR = re.compile(r"^\s*(AND|OR|ANDNOT)\s+")
_TRAILING_OPERATOR = re.compile(r"\s+(AND|OR|NOT|ANDNOT)\s*$")
_FIELD = re.compile(r"(?<![\w:])([A-Za-z_]\w*):")
# Two edits cost Whoosh's fuzzy walk ~20x one (1.3 s a term on 1,500 documents): one is offered.
_FAR_FUZZY = re.compile(r"(?<=\w)~([2-9]\d*)(/\d+)?(?=\s|\)|$)")


def repair(text: str, fields: Collection[str]) -> tuple[str, tuple[str, ...]]:
    """The query as it will be read, and what was changed (empty when nothing was)."""
    reasons: list[str] = []
    text = _close_quote(text, reasons)
    text = _balance_brackets(text, reasons)
    text = _mend_fields(text, fields, reasons)
    text = _near_fuzzy(text, reasons)
    text = _drop_dangling_operators(text, reasons)
    return text.strip() if reasons else text, tuple(reasons)


def _close_quote(text: str, reasons: list[str]) -> str:
    if text.count('"') % 2:
        reasons.append("closed the quotation mark that was left open")
        return text.rstrip() + '"'
    return text


def _balance_brackets(text: str, reasons: list[str]) -> str:
    out, depth, quoted, dropped = [], 0, False, 0
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            if depth == 0:
                dropped += 1
                continue
            depth -= 1
        out.append(ch)
    if dropped:
        reasons.append("left out a closing bracket that had no opening one")
    if depth:
        reasons.append("closed the bracket that was left open")
    return "".join(out).rstrip() + ")" * depth


def _mend_fields(text: str, fields: Collection[str], reasons: list[str]) -> str:
    def mend(match: re.Match) -> str:
        name = match.group(1)
        if name not in fields or text.count('"', 0, match.start()) % 2:    # unknown, or inside a phrase
            return match.group(0)
        rest = text[match.end():]
        empty = re.match(r"\s*(\(\s*\))?\s*(\)|$)", rest)
        if empty and (empty.group(1) or not rest.strip() or rest.lstrip().startswith(")")):
            reasons.append(f"left out “{name}:”, which had nothing after it")
            return ""
        if rest[:1].isspace() and rest.strip() and rest.split()[0] not in _OPERATORS:
            reasons.append(f"read “{name}: {rest.split()[0]}” as “{name}:{rest.split()[0]}”")
            return f"{name}:\0"      # the space after it goes below
        return match.group(0)
    mended = _FIELD.sub(mend, text)
    mended = re.sub(r"\0\s+", "", mended)
    return re.sub(r"\(\s*\)", "", mended) if mended != text else mended


def _near_fuzzy(text: str, reasons: list[str]) -> str:
    mended = _FAR_FUZZY.sub("~", text)
    if mended != text:
        reasons.append("read fuzzy terms as one edit away (“~”), the most this site looks for")
    return mended


def _drop_dangling_operators(text: str, reasons: list[str]) -> str:
    for pattern in (_LEADING_OPERATOR, _TRAILING_OPERATOR):
        match = pattern.search(text)
        if match and text.strip() != match.group(1):
            reasons.append(f"left out “{match.group(1)}”, which had nothing on one side")
            text = text[:match.start()] + " " + text[match.end():]
    return text

"""Names and titles: what we keep of an uploaded file's name, and a title when none is given."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath

from dossier.repository.text import valid_text

from . import sniff as sniffing

MAX_NAME = 255
MAX_TITLE = 300


def safe_filename(name: str | None) -> str:
    """The last path component, without control characters, at most 255 characters.

    Kept as metadata only (for downloads); never used to build a path.
    """
    name = valid_text(name or "").replace("\x00", "")
    name = PureWindowsPath(PurePosixPath(name).name).name
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return "upload"
    if len(name) > MAX_NAME:
        suffix = Path(name).suffix[:16]
        name = name[: MAX_NAME - len(suffix)] + suffix
    return name


# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_head(data: bytes) -> str:
    """The start of a text file as text: by its byte-order mark, else as UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    return data.decode("utf-8", "replace")


def title_from(path: Path, mime: str, filename: str) -> str:
    """First line of a text, <title> of an HTML page, else the file name made readable."""
    if mime in (sniffing.TEXT, sniffing.HTML):
        with open(path, "rb") as handle:
            head = decode_head(handle.read(8192))
        if mime == sniffing.HTML:
            match = re.search(r"<title[^>]*>(.*?)</title>", head, re.I | re.S)
            line = re.sub(r"<[^>]+>|&[a-z#0-9]+;", " ", match.group(1)) if match else ""
        else:
            line = next((ln for ln in head.splitlines() if ln.strip()), "")
        line = " ".join("".join(ch for ch in line if ch.isprintable() or ch.isspace()).split()).lstrip("\ufeff")
        if line:
            return line[:MAX_TITLE]
    stem = Path(filename).stem.replace("_", " ").replace("-", " ")
    return " ".join(stem.split())[:MAX_TITLE] or "Untitled"


def download_name(filename: str, mime: str) -> str:
    """The name to offer a download under: the uploaded one when its extension is one of its
    type's, else with the type's extension added (``notes.hta`` holding text is offered as
    ``notes.hta.txt``), so no browser or desktop treats the file as something it would run."""
    allowed = [ext for ext, stored in sniffing.EXTENSIONS.items() if stored == mime]
    if not allowed or Path(filename).suffix.lower() in allowed:
        return filename
    return f"{filename}{allowed[0]}"

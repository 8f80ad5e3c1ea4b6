"""DOCX (Office Open XML) with zipfile and ElementTree: no python-docx, no entity expansion."""
from __future__ import annotations

import io
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

from dossier.indexer.extract.result import Extraction, describe, failed, single_text

MAX_MEMBER_BYTES = 50 * 2**20
MAX_RATIO = 100                 # uncompressed / compressed, checked for big members only
RATIO_CHECK_FROM = 5 * 2**20
_BODY = "word/document.xml"
_NOTES = ("word/footnotes.xml", "word/endnotes.xml")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT, _TAB, _BR, _CR, _PARA, _PARA_PROPS = (
    _W + "t", _W + "tab", _W + "br", _W + "cr", _W + "p", _W + "pPr")


class DocxError(Exception):
    """A DOCX we refuse to read; the message is the user-facing reason."""


def extract_docx(path: Path) -> Extraction:
    try:
        with zipfile.ZipFile(path) as archive:
            if _BODY not in archive.namelist():
                return failed("not a Word document: no word/document.xml")
            parts = [_read_member(archive, _BODY)]
            parts += [_read_member(archive, name) for name in _NOTES if name in archive.namelist()]
        return single_text("\n".join(filter(None, (_xml_text(part) for part in parts))))
    except DocxError as exc:
        return failed(str(exc))
    except zipfile.BadZipFile as exc:
        return failed(f"unreadable docx: {describe(exc)}")
    except ET.ParseError as exc:
        return failed(f"unreadable docx XML: {describe(exc)}")


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        raise DocxError(f"docx member {name} too large ({info.file_size // 2**20} MB uncompressed)")
    if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise DocxError(f"docx member {name} looks like a zip bomb")
    with archive.open(info) as member:
        data = member.read(MAX_MEMBER_BYTES + 1)  # the header may lie about the size
    if len(data) > MAX_MEMBER_BYTES:
        raise DocxError(f"docx member {name} too large")
    return data


def _xml_text(data: bytes) -> str:
    if _declares_entities(data):
        raise DocxError("docx with DTD entities")
    out: list[str] = []
    in_props = 0  # w:tab inside w:pPr is a tab-stop definition, not a tab
    for event, element in ET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = element.tag
        if tag == _PARA_PROPS:
            in_props += 1 if event == "start" else -1
        elif event == "start":
            continue
        elif tag == _TEXT:
            out.append(element.text or "")
        elif tag == _TAB and not in_props:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n")
        elif tag == _PARA:
            out.append("\n")
            element.clear()
    return "".join(out).strip("\n")


def _declares_entities(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "<!ENTITY" in data.decode("utf-16", errors="replace")
    return b"<!ENTITY" in data

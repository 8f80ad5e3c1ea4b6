"""What a file is, from its bytes (python-magic), and whether its name agrees."""
from __future__ import annotations

import zipfile
from pathlib import Path

import magic

from .errors import Rejected

PDF = "application/pdf"
TEXT = "text/plain"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGES = ("image/jpeg", "image/png", "image/tiff", "image/gif", "image/webp")
ACCEPTED = frozenset((PDF, TEXT, HTML, DOCX) + IMAGES)

# Which sniffed types a name's extension may carry, and the type we then store; a type's
# first extension is the one a download gets when its name carries none of them.
EXTENSIONS: dict[str, str] = {
    ".pdf": PDF, ".txt": TEXT, ".text": TEXT, ".html": HTML, ".htm": HTML, ".docx": DOCX,
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".tif": "image/tiff",
    ".tiff": "image/tiff", ".gif": "image/gif", ".webp": "image/webp",
}

# What each type is called when a refusal names it for a person.
TYPE_NAMES: dict[str, str] = {
    PDF: "a PDF document", TEXT: "plain text", HTML: "a web page (HTML)", DOCX: "a Word document (.docx)",
    "image/jpeg": "a JPEG image", "image/png": "a PNG image", "image/tiff": "a TIFF image",
    "image/gif": "a GIF image", "image/webp": "a WebP image",
    "application/zip": "a ZIP archive", "application/msword": "an old Word document (.doc)",
    "application/vnd.wordperfect": "a WordPerfect document", "text/rtf": "an RTF document",
    "application/vnd.ms-excel": "an Excel spreadsheet", "text/xml": "an XML file",
    "application/octet-stream": "binary data of no type we recognise",
    "application/x-executable": "a program", "application/x-sharedlib": "a program",
    "application/x-dosexec": "a Windows program",
}
ACCEPTED_NAMES = "PDF, plain text, HTML, Word (.docx), JPEG, PNG, TIFF, GIF and WebP"


def type_name(mime: str) -> str:
    return TYPE_NAMES.get(mime) or f"a file of type {mime}"


def _mismatch(claimed: str, sniffed: str) -> Rejected:
    return Rejected("type_mismatch", f"is {type_name(sniffed)}, not {type_name(claimed)} as its name says")


# libmagic names plain text by what it looks like: C, CSV, a script, JSON...
# For our purposes all of it is text.
_TEXTLIKE_APPLICATION = {"application/json", "application/csv", "application/x-wine-extension-ini"}


def sniff(path: Path) -> str:
    """The MIME type of the file's bytes, canonical for the types we accept."""
    mime = magic.from_file(str(path), mime=True)
    if mime == "application/zip" and _is_docx(path):
        return DOCX
    if mime in ("text/plain", "application/octet-stream") and _has_pdf_header(path):
        return PDF
    if mime == "application/octet-stream" and _is_mostly_text(path):
        return TEXT
    if mime in ACCEPTED:
        return mime
    if mime.startswith("text/") and mime not in ("text/xml", "text/rtf"):
        return TEXT
    if mime in _TEXTLIKE_APPLICATION:
        return TEXT
    return mime


def accepted_type(path: Path, filename: str) -> str:
    """The MIME type to store the file under, or Rejected."""
    sniffed = sniff(path)
    extension = Path(filename).suffix.lower()
    claimed = EXTENSIONS.get(extension)
    if sniffed not in ACCEPTED and claimed in (TEXT, HTML) and _is_mostly_text(path):
        # libmagic reads "SP..." at the start of a text as an HP-GL plotter file, and so on.
        return claimed
    if sniffed not in ACCEPTED:
        if claimed:
            raise _mismatch(claimed, sniffed)
        raise Rejected("unsupported_type", f"is {type_name(sniffed)}, which Dossier does not take "
                                           f"(it takes {ACCEPTED_NAMES})")
    if claimed is None or claimed == sniffed:
        return sniffed
    if claimed == HTML and sniffed == TEXT:
        return HTML  # HTML without a doctype often sniffs as plain text
    if claimed == TEXT and sniffed == HTML:
        return TEXT  # markup in a .txt is kept, and served, as text
    raise _mismatch(claimed, sniffed)


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _has_pdf_header(path: Path) -> bool:
    """PDF readers accept a header anywhere in the first 1024 bytes; libmagic only looks at the start."""
    with open(path, "rb") as fh:
        return b"%PDF-" in fh.read(1024)


def _is_mostly_text(path: Path, sample: int = 64 * 1024) -> bool:
    """Text pasted from PDFs keeps stray control bytes (\x03, \x1b) that make libmagic say 'data'.

    Such a file is still text when its start decodes as UTF-8 and under 1% of it is control bytes.
    """
    with open(path, "rb") as fh:
        head = fh.read(sample)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # only a character cut at the sample's end is forgiven
            return False
        text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return "\x00" not in text and controls * 100 < len(text)

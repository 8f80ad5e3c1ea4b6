"""Why an upload was refused. Codes are stable: scripts and the web layer match on them."""
from __future__ import annotations

CODES = {
    "empty": "the file is empty",
    "too_large": "the file is larger than the upload limit",
    "unsupported_type": "this type of file is not accepted",
    "type_mismatch": "the file's contents do not match its name",
    "invalid_metadata": "the metadata is not valid",
    "unreadable": "the file could not be read",
}


class Rejected(Exception):
    """A part refused: nothing of it was stored. ``code`` is one of CODES; ``reason`` says why in
    words that follow the file's name ("is empty (0 bytes)"); ``message`` is the whole sentence."""

    def __init__(self, code: str, reason: str, *, field: str | None = None, detail: str | None = None):
        assert code in CODES, code
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason
        self.field = field
        self.detail = detail or reason          # for a field at fault: what is wrong with it
        self.filename: str | None = None       # which file (set by intake)
        self.part: int | None = None            # its position in the unit: 0 the release, 1.. attachments

    def located(self, filename: str, part: int) -> "Rejected":
        self.filename, self.part = filename, part
        return self

    @property
    def message(self) -> str:
        return f"{self.filename} {self.reason}" if self.filename else f"The file {self.reason}"

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

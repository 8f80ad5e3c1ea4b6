"""Why an upload was refused. Codes are stable: scripts and the web layer match on them."""

CODES = {
    "empty": "the file is empty",
    "too_large": "the file is larger than the upload limit",
    "unsupported_type": "this type of file is not accepted",
    "type_mismatch": "the file's contents do not match its name",
    "invalid_metadata": "the metadata is not valid",
    "unreadable": "the file could not be read",
}


class Rejected(Exception):
    """Nothing was stored. `code` is one of CODES; `message` says why in words."""

    def __init__(self, code: str, message: str, *, field: str | None = None):
        assert code in CODES, code
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field
        self.filename: str | None = None          # set by intake: which file it was
        self.stored_ids: tuple[str, ...] = ()     # documents of the same call stored before it

"""Bulk intake: the entries of a JSONL manifest or of a folder of files, or why a line is skipped.

Reading only; ``core.importing`` stores each entry as a unit.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .intake import Upload


@dataclass(frozen=True)
class Entry:
    line: int            # 1-based line of the manifest; for a folder, the file's position
    upload: Upload
    attachments: tuple[Upload, ...] = ()


@dataclass(frozen=True)
class Skip:
    line: int
    file: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.file or '-'}: {self.code}: {self.message}"


@dataclass
class Report:
    added: int = 0
    already_stored: int = 0
    skipped: list[Skip] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.added} added, {self.already_stored} already stored, "
                f"{len(self.skipped)} skipped")


def read_manifest(path: Path) -> Iterator[Entry | Skip]:
    base = path.parent
    with open(path, encoding="utf-8", errors="replace") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip() or raw.lstrip().startswith("#"):
                continue
            yield _entry(number, raw, base)


def _entry(number: int, raw: str, base: Path) -> Entry | Skip:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        return Skip(number, "", "bad_line", f"not valid JSON: {exc.msg}")
    except RecursionError:
        return Skip(number, "", "bad_line", "nested too deeply to read")
    if not isinstance(record, dict) or not isinstance(record.get("file"), str):
        return Skip(number, "", "bad_line", 'each line must be a JSON object with a "file"')
    attachments = record.get("attachments") or []
    if not isinstance(attachments, list) or not all(
            isinstance(a, dict) and isinstance(a.get("file"), str) for a in attachments):
        return Skip(number, record["file"], "bad_line", 'attachments must be objects with a "file"')
    return Entry(number, _upload(record, base), tuple(_upload(a, base) for a in attachments))


def _upload(record: dict, base: Path) -> Upload:
    path = base / record["file"]
    meta = {k: v for k, v in record.items() if k not in ("file", "attachments")}
    return Upload(path, path.name, meta)


def folder_entries(folder: Path) -> Iterator[Entry]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    for number, path in enumerate(files, start=1):
        yield Entry(number, Upload(path, path.name, {}))

"""Bulk intake: a JSONL manifest or a folder of files, each entry stored or reported and skipped.

Re-running the same import adds nothing (documents are deduplicated by
sha256), which is also how an interrupted import is resumed.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from repository import NotFound

from .errors import Rejected
from .intake import Intake, Upload

BATCH = 50


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


def run_import(intake: Intake, entries: Iterable[Entry | Skip], *, on_batch: Callable[[Iterable[str]], None],
               progress: Callable[[int], None] | None = None, batch_size: int = BATCH) -> Report:
    """Store every entry and hand the stored ids to on_batch (the indexer).

    on_batch gets ONE lazy stream of ids for the whole run: an entry is stored
    when the indexer pulls the next id, so the indexer sets the pace (its
    extraction workers take the next document while it stores and indexes
    earlier ones) and commits in batches of its own. ``batch_size`` is unused
    (kept for callers)."""
    quiet = dataclasses.replace(intake, announce=None)
    report = Report()

    def stored_ids() -> Iterator[str]:
        for entry in entries:
            if isinstance(entry, Skip):
                report.skipped.append(entry)
                ids: list[str] = []
            else:
                ids = _import_entry(quiet, entry, report)
            if progress:
                progress(1)
            yield from ids

    stream = stored_ids()
    on_batch(stream)
    leftover = list(stream)        # an indexer that stopped pulling early: store and hand over the rest
    if leftover:
        on_batch(leftover)
    return report


def _import_entry(intake: Intake, entry: Entry, report: Report) -> list[str]:
    stored_ids: list[str] = []
    try:
        main, parts = intake.add(entry.upload, entry.attachments)
    except Rejected as exc:
        report.skipped.append(Skip(entry.line, exc.filename or str(entry.upload.source), exc.code, exc.message))
        return list(exc.stored_ids)
    except NotFound as exc:
        report.skipped.append(Skip(entry.line, str(entry.upload.source), "not_found", str(exc)))
        return stored_ids
    for stored in (main, *parts):
        stored_ids.append(stored.document.id)
        if stored.created:
            report.added += 1
        else:
            report.already_stored += 1
    return stored_ids

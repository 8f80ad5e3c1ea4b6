"""Bulk import: every entry of a JSONL manifest or a folder stored as a unit (or skipped with its
reason) and indexed, storing and indexing overlapping.

Re-running the same import adds nothing (documents are deduplicated by
sha256), which is also how an interrupted import is resumed.
"""
from __future__ import annotations

import ctypes
import dataclasses
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from pathlib import Path
from typing import Callable, Iterable, Iterator

from dossier.repository import NotFound, Repository
from dossier.uploads.bulk import Entry, Report, Skip, folder_entries, read_manifest
from dossier.uploads.intake import Intake

from .adding import store_unit
from .errors import Refused

def entries_of(source: Path) -> list[Entry | Skip]:
    """The entries of a JSONL manifest, or one per file of a folder (and its subfolders)."""
    return list(folder_entries(source) if source.is_dir() else read_manifest(source))


# An import of more entries than this stores them in a child process (below);
# a small one stores them in this process (no start-up cost).
CHILD_THRESHOLD = 32

# (skips, stored ids, how many added, how many already stored) of one entry
Outcome = tuple[list[Skip], list[str], int, int]


def run_import(intake: Intake, entries: Iterable[Entry | Skip], *, on_batch: Callable[[Iterable[str]], None],
               progress: Callable[[int], None] | None = None,
               child_threshold: int | None = None) -> Report:
    """Store every entry and hand the stored ids to on_batch (the indexer).

    on_batch gets ONE lazy stream of ids for the whole run, and commits in
    batches of its own. An import of more than ``child_threshold`` entries
    (``CHILD_THRESHOLD``) stores them in a child process, which runs ahead of
    the indexer (bounded by the pipes between them): storing (reading, hashing,
    sniffing, fsyncs, one SQLite transaction per document) then runs on another
    core than indexing (Whoosh, in this process) instead of taking turns with
    it. A smaller import stores each entry when the indexer pulls the next id.
    Each entry is still stored whole or not at all (a crash of either process
    leaves stored rows that are not yet indexed: ``catch_up`` finds them)."""
    report = Report()
    threshold = CHILD_THRESHOLD if child_threshold is None else child_threshold
    entries = iter(entries)
    head = list(itertools.islice(entries, threshold + 1))
    if len(head) > threshold and _can_store_in_child(intake):
        outcomes: Iterator[Outcome] = _stored_in_child(intake, itertools.chain(head, entries))
    else:
        outcomes = (_store_entry(intake, entry) for entry in itertools.chain(head, entries))

    def stored_ids() -> Iterator[str]:
        for skips, ids, added, already in outcomes:
            report.skipped.extend(skips)
            report.added += added
            report.already_stored += already
            if progress:
                progress(1)
            yield from ids

    stream = stored_ids()
    try:
        on_batch(stream)
        leftover = list(stream)        # an indexer that stopped pulling early: store and hand over the rest
        if leftover:
            on_batch(leftover)
    finally:
        stream.close()
        outcomes.close()               # stops the child, if the indexer failed mid-way
    return report


def _store_entry(intake: Intake, entry: Entry | Skip) -> Outcome:
    """An entry stored whole (a release with its attachments) or skipped whole, with the reason."""
    if isinstance(entry, Skip):
        return [entry], [], 0, 0
    try:
        stored = store_unit(intake.repo, intake, entry.upload, entry.attachments)
    except Refused as exc:
        reason = exc.reason if not entry.attachments else f"{exc.message.removesuffix('.')}"
        return [Skip(entry.line, exc.filename or str(entry.upload.source), exc.code, reason)], [], 0, 0
    except NotFound as exc:
        return [Skip(entry.line, str(entry.upload.source), "not_found", str(exc))], [], 0, 0
    added = sum(1 for s in stored if s.created)
    return [], [s.document.id for s in stored], added, len(stored) - added


# ---- storing in a child process ----

def _can_store_in_child(intake: Intake) -> bool:
    """Only a plain Intake over a plain Repository can be rebuilt in another
    process from its data folder; anything else is stored here."""
    return (type(intake) is Intake and type(intake.repo) is Repository
            and all(isinstance(getattr(intake, f.name), (int, float, type(None), Repository))
                    for f in dataclasses.fields(intake)))


def _stored_in_child(intake: Intake, entries: Iterator[Entry | Skip]) -> Iterator[Outcome]:
    """Each entry's outcome, in order, stored by a spawned child process.

    A feeder thread sends the entries down one pipe (it blocks when the pipe is
    full, so the child runs at most a pipe's worth ahead); the child sends
    outcomes back up another. If the consumer stops early the child is told to
    stop (or killed: an entry cut short is no worse than a crash, see intake)."""
    options = {f.name: getattr(intake, f.name) for f in dataclasses.fields(intake) if f.name != "repo"}
    entries_in, entries_out = _context.Pipe(duplex=False)
    results_in, results_out = _context.Pipe(duplex=False)
    child = _context.Process(target=_serve, name="dossier-intake", daemon=True,
                             args=(entries_in, results_out, str(intake.repo.data_dir), options, os.getpid()))
    child.start()
    entries_in.close()
    results_out.close()
    stop = threading.Event()
    failure: list[BaseException] = []

    def feed() -> None:
        try:
            for entry in entries:
                if stop.is_set():
                    break
                entries_out.send(entry)
        except BaseException as exc:     # reading the manifest failed (or the child is gone)
            failure.append(exc)
        finally:
            try:
                entries_out.send(None)
            except OSError:
                pass
            entries_out.close()

    feeder = threading.Thread(target=feed, name="dossier-import-feed", daemon=True)
    feeder.start()
    done = False
    try:
        while True:
            try:
                kind, value = results_in.recv()
            except EOFError:
                raise RuntimeError(f"the import's storing process died (exit code {child.exitcode})") from None
            if kind == "done":
                done = True
                break
            if kind == "error":
                raise value
            yield value
        if failure:
            raise failure[0]
    finally:
        stop.set()
        results_in.close()               # a child still sending stops at its next outcome
        child.join(None if done else 10)
        if child.is_alive():
            child.kill()
            child.join()
        feeder.join(10)


def _serve(entries_in, results_out, data_dir: str, options: dict, parent_pid: int) -> None:
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle: it closes the pipes
    repo = Repository(data_dir)
    intake = Intake(repo, **options)
    try:
        while True:
            try:
                entry = entries_in.recv()
            except EOFError:
                return
            if entry is None:
                results_out.send(("done", None))
                return
            try:
                outcome = _store_entry(intake, entry)
            except Exception as exc:
                results_out.send(("error", _picklable(exc)))
                return
            results_out.send(("ok", outcome))
    except (BrokenPipeError, ConnectionResetError):
        return                           # the parent stopped listening
    finally:
        repo.close()


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))


def _die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when the parent dies (even by SIGKILL), as a crash would."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)        # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:           # it died before prctl took effect
        os._exit(1)


_context = multiprocessing.get_context("spawn")

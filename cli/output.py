"""What the `dossier` command prints: results, documents, reports, in words for a terminal."""
from __future__ import annotations

import html
import re
import shlex

from dossier.core import SearchResult, local_time

_MARK = re.compile(r"</?mark>")


def plain(snippet: str) -> str:
    """A snippet's HTML as terminal text: matches in *stars*."""
    return html.unescape(_MARK.sub("*", snippet))


def search_table(result: SearchResult, width: int = 100) -> str:
    first = (result.page - 1) * result.per_page + 1
    last = first + len(result.hits) - 1
    lines = [f"{result.total} result(s)" + (f", showing {first}-{last}" if result.hits else "")]
    if result.corrected_from:
        lines.append(f"showing results for: {result.query} (nothing matched {result.corrected_from!r}; --as-typed)")
    if result.repairs:
        lines.append(f"read as: {result.read_as or '(everything)'} ({'; '.join(result.repairs)})")
    if result.suggestion:
        lines.append(f"did you mean: {result.suggestion}")
    title_width = max(20, width - 46)
    for hit in result.hits:
        pages = ("p. " + ",".join(map(str, hit.pages[:6]))) if hit.pages else ""
        title = hit.title if len(hit.title) <= title_width else hit.title[: title_width - 1] + "…"
        lines.append(f"{hit.id:<12} {hit.kind:<8} {hit.date or 'undated':<10}  {title}  {pages}".rstrip())
        if hit.snippet:
            lines.append(" " * 13 + " ".join(plain(hit.snippet).split())[: width - 14])
    return "\n".join(lines)


def document(record: dict) -> str:
    lines = []
    for key, value in record.items():
        if key == "links":
            continue
        if key == "text_pages":
            value = text_sources(value)
        if key == "sources":
            value = ", ".join(f"{name} ({source})" for name, source in value.items()) if value else None
        elif key == "redaction_findings" and value:
            value = "; ".join(f"page {f['page']}: {f['text']}" for f in value) + " (text under black boxes)"
        elif isinstance(value, list):
            value = "; ".join(map(str, value)) or ("none" if key == "redaction_findings" else "")
        if value not in (None, ""):
            lines.append(f"{key + ':':<13} {value}")
    for name, entries in record["links"].items():
        for entry in entries:
            lines.append(f"{name.replace('_', ' ') + ':':<13} {entry['id']}  {entry['kind']:<8} {entry['title']}")
    return "\n".join(lines)


def text_sources(pages: list[dict]) -> str:
    """Runs of pages by the engine their text came from: "1-3 pypdf; 4 pdfium; 5 no text"."""
    runs: list[list] = []
    for page in pages:
        engine = page["engine"] or "no text"
        if runs and runs[-1][2] == engine and runs[-1][1] == page["page"] - 1:
            runs[-1][1] = page["page"]
        else:
            runs.append([page["page"], page["page"], engine])
    return "; ".join(f"{a}{'' if a == b else f'-{b}'} {engine}" for a, b, engine in runs)


def report_lines(report) -> list[str]:
    """An import's skipped lines, then its summary."""
    return [f"skipped {skip}" for skip in report.skipped] + [report.summary()]


def _value(value) -> str:
    if value in (None, ()):
        return "none"
    return "; ".join(value) if isinstance(value, tuple) else str(value)


def already_stored(stored) -> list[str]:
    """What to say of a file whose bytes were already stored: nothing changed, and how to apply
    the details that were sent and differ."""
    doc = stored.document
    if not stored.differences:
        return [f"{doc.id}: already stored ({doc.filename}); its details are as sent"]
    listed = ", ".join(f"{name} (stored: {_value(old)}; sent: {_value(new)})"
                       for name, (old, new) in stored.differences.items())
    return [f"{doc.id}: already stored ({doc.filename}); nothing was changed.",
            f"  These details differ from the stored ones: {listed}.",
            f"  To apply them: {edit_command(doc.id, stored.differences)}"]


def edit_command(doc_id: str, differences) -> str:
    options = []
    for name, (_, new) in differences.items():
        flag = EDIT_FLAGS.get(name, "--" + name.replace("_", "-"))
        for value in (new if isinstance(new, tuple) else (new,)):
            options.append(f"{flag} {shlex.quote(str(value))}")
    return " ".join(["dossier edit", doc_id, *options])


# The edit command's option for each field (lists take one option per value).
EDIT_FLAGS = {"topics": "--topic", "people": "--person", "places": "--place"}


def state_line(doc, office_zone) -> str:
    """A document's id, state and its time: "g7d34mshd3  scheduled  December 2, 2026, 09:00 MST  Title"."""
    when = {"scheduled": doc.publish_at, "published": doc.published_at, "withdrawn": doc.withdrawn_at}.get(doc.state)
    return f"{doc.id:<12} {doc.state:<10} {local_time(when, office_zone) if when else '':<30} {doc.title}".rstrip()


def audit_line(entry) -> str:
    changes = ""
    if entry.before or entry.after:
        keys = sorted(set(entry.before or {}) | set(entry.after or {}))
        changes = "  " + ", ".join(f"{k}: {_value((entry.before or {}).get(k))} -> {_value((entry.after or {}).get(k))}"
                                   for k in keys)
    note = f"  ({entry.note})" if entry.note else ""
    return f"{entry.at}  {entry.actor:<24} {entry.action:<10} {entry.document_id or '-':<12}{changes}{note}".rstrip()

"""Times: stored as ISO 8601 in UTC; typed and shown in the office's time zone (DOSSIER_TIMEZONE)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Invalid

UTC = dt.timezone.utc


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone such as America/Denver or UTC") from None


def parse_time(value: str, office: ZoneInfo) -> dt.datetime:
    """A time as staff type it: "2026-12-02 09:00" (the office's time zone) or with an offset
    ("2026-12-02T09:00-07:00", "...Z"); aware, in UTC."""
    text = (value or "").strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise Invalid(f"{text!r} is not a time: write it as 2026-12-02 09:00 (office time) "
                      "or with an offset, 2026-12-02T09:00-07:00.", field="publish_at") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=office)
    return moment.astimezone(UTC)


def local(value: str | None, office: ZoneInfo) -> str:
    """A stored time, as the office reads it: "December 2, 2026, 9:00 MST"."""
    if not value:
        return ""
    moment = parse_iso(value).astimezone(office)
    return f"{moment:%B} {moment.day}, {moment.year}, {moment:%H:%M} {moment.tzname()}"

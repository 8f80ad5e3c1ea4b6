"""Every setting in one place: its name, environment variable, default and meaning.

The README's configuration table is checked against SETTINGS by a test.
"""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping
from zoneinfo import ZoneInfo

from dossier.indexer.posting_cache import DEFAULT_MB as POSTINGS_CACHE_MB

from .times import zone


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dossier"


def proxy_address(value: str) -> str:
    """One address (or `*`): the server trusts a single reverse proxy in front of it."""
    value = value.strip()
    if value != "*":
        ipaddress.ip_address(value)   # ValueError if not an address
    return value


def time_zone(value: str) -> str:
    zone(value.strip())        # ValueError if not a zone
    return value.strip()


def languages(value: str) -> str:
    """Tesseract's language codes joined by `+` (`eng+spa`)."""
    value = value.strip()
    if not re.fullmatch(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*", value):
        raise ValueError(value)
    return value


def tls_mode(value: str) -> str:
    value = value.strip().lower()
    if value not in ("starttls", "ssl", "none"):
        raise ValueError(value)
    return value


def flag(value: str) -> bool:
    value = value.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(value)


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    parse: Callable[[str], object]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "DOSSIER_DATA", None, Path,
            "data folder: database, originals, index (default `$XDG_DATA_HOME/dossier`, i.e. `~/.local/share/dossier`); `--data` sets it too"),
    Setting("max_upload_mb", "DOSSIER_MAX_UPLOAD_MB", 100, int,
            "largest file accepted, in MB; enforced while the upload streams in"),
    Setting("extract_timeout", "DOSSIER_EXTRACT_TIMEOUT", 60.0, float,
            "seconds one file's text extraction may take before its worker is killed"),
    Setting("extract_memory_mb", "DOSSIER_EXTRACT_MEMORY_MB", 1024, int,
            "address-space limit of each extraction worker, in MB"),
    Setting("extract_workers", "DOSSIER_EXTRACT_WORKERS", 0, int,
            "extraction worker processes; 0 means one per core"),
    Setting("render_timeout", "DOSSIER_RENDER_TIMEOUT", 20.0, float,
            "seconds one page image may take to render before its worker is killed (the page is then shown as text "
            "with \"preview unavailable\"); workers have the extraction memory limit"),
    Setting("postings_cache_mb", "DOSSIER_POSTINGS_CACHE_MB", POSTINGS_CACHE_MB, int,
            "MB of decoded index postings each server process keeps between searches (a word searched before "
            "is then answered from memory); 0: none"),
    Setting("writer_timeout", "DOSSIER_WRITER_TIMEOUT", 60.0, float,
            "seconds to wait for the index writer lock held by another process"),
    Setting("base_url", "DOSSIER_BASE_URL", "", str,
            "the site's public address, e.g. `https://records.example.gov`; absolute links (API, feeds) use it "
            "whatever Host header a request sends (unset: the request's own address)"),
    Setting("trusted_proxies", "DOSSIER_TRUSTED_PROXIES", "", proxy_address,
            "address of the reverse proxy whose `X-Forwarded-Proto`, `-Host`, `-Port` and `-For` headers `dossier serve` "
            "believes (`*`: any peer); empty: nobody's (`DOSSIER_BASE_URL`, when set, wins over both)"),
    Setting("timezone", "DOSSIER_TIMEZONE", "UTC", time_zone,
            "the office's time zone (e.g. `America/Denver`): embargo times are typed and shown in it"),
    Setting("preview_hours", "DOSSIER_PREVIEW_HOURS", 72, int,
            "hours a shared preview link of an unpublished release keeps working"),
    Setting("publisher", "DOSSIER_PUBLISHER", "", str,
            "the office's name as search engines and link previews give the publisher (e.g. `New Mexico "
            "Department of Justice`); empty: each document's office, else `Dossier`"),
    Setting("ocr_languages", "DOSSIER_OCR_LANGUAGES", "eng+spa", languages,
            "the languages OCR reads, Tesseract's codes joined by `+` (each needs its `tesseract-ocr-LANG` package)"),
    Setting("ocr_dpi", "DOSSIER_OCR_DPI", 300, int,
            "resolution PDF pages are rendered at for OCR"),
    Setting("ocr_page_timeout", "DOSSIER_OCR_PAGE_TIMEOUT", 120.0, float,
            "seconds OCR may take over one page (or image) before its worker is killed and the page left without text"),
    Setting("ocr_max_pages", "DOSSIER_OCR_MAX_PAGES", 500, int,
            "pages of one document OCR recognises at most (the first ones)"),
    Setting("smtp_host", "DOSSIER_SMTP_HOST", "", str,
            "mail server for email alerts; unset: email alerts are off (the sign-up form says so)"),
    Setting("smtp_port", "DOSSIER_SMTP_PORT", 0, int,
            "its port; 0: 587 with `starttls`, 465 with `ssl`, 25 with `none`"),
    Setting("smtp_user", "DOSSIER_SMTP_USER", "", str, "user name to log in to the mail server (unset: no login)"),
    Setting("smtp_password", "DOSSIER_SMTP_PASSWORD", "", str, "its password"),
    Setting("smtp_tls", "DOSSIER_SMTP_TLS", "starttls", tls_mode,
            "`starttls`, `ssl` (TLS from the start) or `none` (only for a relay on the same machine)"),
    Setting("mail_from", "DOSSIER_MAIL_FROM", "", str,
            "the From address of alert mail, e.g. `Press Office <alerts@example.gov>` (unset: `dossier@` the SMTP host)"),
    Setting("webhooks_allow_private", "DOSSIER_WEBHOOKS_ALLOW_PRIVATE", False, flag,
            "`1`: webhooks may point at private, loopback or link-local addresses (tests; never on a public server)"),
)


@dataclass(frozen=True)
class Config:
    data_dir: Path
    max_upload_mb: int = 100
    extract_timeout: float = 60.0
    extract_memory_mb: int = 1024
    extract_workers: int = 0
    render_timeout: float = 20.0
    postings_cache_mb: int = POSTINGS_CACHE_MB
    writer_timeout: float = 60.0
    base_url: str = ""
    trusted_proxies: str = ""
    timezone: str = "UTC"
    preview_hours: int = 72
    publisher: str = ""
    ocr_languages: str = "eng+spa"
    ocr_dpi: int = 300
    ocr_page_timeout: float = 120.0
    ocr_max_pages: int = 500
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: str = "starttls"
    mail_from: str = ""
    webhooks_allow_private: bool = False

    @property
    def email_alerts(self) -> bool:
        return bool(self.smtp_host)

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 2**20

    @property
    def office_zone(self) -> ZoneInfo:
        return zone(self.timezone)


def load_config(overrides: Mapping[str, object] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then the environment, then explicit overrides (command-line options)."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for setting in SETTINGS:
        value = setting.default
        if environ.get(setting.env):
            try:
                value = setting.parse(environ[setting.env])
            except ValueError:
                raise ValueError(f"{setting.env}={environ[setting.env]!r} is not valid: {setting.help}") from None
        values[setting.name] = value
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = value
    values["data_dir"] = Path(values["data_dir"] or default_data_dir()).expanduser()
    return Config(**values)

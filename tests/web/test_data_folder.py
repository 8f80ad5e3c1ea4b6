"""The data folder is its owner's alone, whatever the umask: other accounts on the machine read
neither the database, nor the originals, nor the secret key."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from dossier.web import close_services, create_app
from dossier.core.settings import Config


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_is_private_even_under_a_permissive_umask(tmp_path):
    from dossier.core import Upload

    data = tmp_path / "data"
    old = os.umask(0o022)
    try:
        app = create_app(Config(data_dir=data, extract_workers=1), TESTING=True)
        try:
            app.extensions["dossier"].add(Upload(io.BytesIO(b"A release\nabout water"), "r.txt", {}))
        finally:
            close_services(app)
    finally:
        os.umask(old)
    assert mode(data) == 0o700
    for name in ("dossier.sqlite3", "accounts.sqlite3", "secret_key"):
        assert mode(data / name) & 0o077 == 0, name
    originals = [p for p in (data / "originals").rglob("*") if p.is_file()]
    assert originals and all(mode(p) == 0o400 for p in originals)
    assert mode(data / "tmp") == 0o700


def test_an_older_world_readable_folder_is_tightened(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "dossier.sqlite3").touch(mode=0o644)
    app = create_app(Config(data_dir=data, extract_workers=1), TESTING=True)
    close_services(app)
    assert mode(data) == 0o700 and mode(data / "dossier.sqlite3") == 0o600

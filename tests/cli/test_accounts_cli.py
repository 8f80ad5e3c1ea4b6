"""`dossier user ...`, `dossier token ...` and `dossier serve`."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.core.accounts import Accounts
from dossier.cli import cli

ROOT = Path(__file__).resolve().parents[2]


def run(data: Path, *args, input=None):
    return CliRunner().invoke(cli, ["--data", str(data), *args], input=input, catch_exceptions=False)


def test_user_and_token_lifecycle(tmp_path):
    data = tmp_path / "data"
    assert run(data, "user", "add", "press", "--password-stdin", input="long enough pw\n").exit_code == 0
    assert Accounts(data).check_password("press", "long enough pw")
    assert run(data, "user", "add", "press", "--password-stdin", input="long enough pw\n").exit_code == 2
    assert run(data, "user", "add", "short", "--password-stdin", input="pw\n").exit_code == 2
    assert run(data, "user", "list").output == "press\tpublisher\n"

    created = run(data, "token", "create", "press")
    token = created.stdout.strip()
    assert created.exit_code == 0 and token.startswith("dsr_")
    assert Accounts(data).user_for_token(token) == "press"
    assert run(data, "token", "create", "nobody").exit_code == 4
    assert run(data, "token", "revoke", token).exit_code == 0
    assert Accounts(data).user_for_token(token) is None
    assert run(data, "token", "revoke", token).exit_code == 4

    second = run(data, "token", "create", "press").stdout.strip()
    assert run(data, "user", "remove", "press").exit_code == 0
    assert Accounts(data).user_for_token(second) is None
    assert run(data, "user", "remove", "press").exit_code == 4


def test_user_add_prompts_for_password(tmp_path):
    result = run(tmp_path / "data", "user", "add", "ana", input="a good password\na good password\n")
    assert result.exit_code == 0 and Accounts(tmp_path / "data").check_password("ana", "a good password")



def test_user_password_sets_a_new_one(tmp_path):
    data = tmp_path / "data"
    run(data, "user", "add", "press", "--password-stdin", input="long enough pw\n")
    session_id = Accounts(data).create_session("press", 3600)
    result = run(data, "user", "password", "press", input="a better password\na better password\n")
    assert result.exit_code == 0 and "New password" in result.output
    accounts = Accounts(data)
    assert accounts.check_password("press", "a better password") and not accounts.check_password("press", "long enough pw")
    assert accounts.session_user(session_id, 3600) is None
    assert run(data, "user", "password", "press", "--password-stdin", input="short\n").exit_code == 2
    assert accounts.check_password("press", "a better password")
    assert run(data, "user", "password", "nobody", "--password-stdin", input="long enough pw\n").exit_code == 4

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_workers_sharing_the_secret(tmp_path):
    port = free_port()
    env = dict(os.environ, DOSSIER_EXTRACT_WORKERS="1")
    env.pop("DOSSIER_SECRET_KEY", None)
    code = "from dossier.cli import main; main()"
    proc = subprocess.Popen([sys.executable, "-c", code, "--data", str(tmp_path / "data"), "serve",
                             "--port", str(port), "--workers", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search", timeout=5) as response:
                    assert response.status == 200 and b"Dossier" in response.read()
                    assert "nosniff" in response.headers["X-Content-Type-Options"]
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.stderr.read1().decode() if proc.poll() else ''}")
                time.sleep(0.3)
        assert (tmp_path / "data" / "secret_key").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


def test_trusted_proxies_is_one_address_or_a_star():
    from dossier.core import load_config

    assert load_config(environ={}).trusted_proxies == ""
    assert load_config(environ={"DOSSIER_TRUSTED_PROXIES": " 10.0.0.1 "}).trusted_proxies == "10.0.0.1"
    assert load_config(environ={"DOSSIER_TRUSTED_PROXIES": "*"}).trusted_proxies == "*"
    for wrong in ("10.0.0.1,10.0.0.2", "proxy.example"):
        with pytest.raises(ValueError, match="DOSSIER_TRUSTED_PROXIES"):
            load_config(environ={"DOSSIER_TRUSTED_PROXIES": wrong})

"""A server whose workers hold more than a thousand open files still answers: a 100k-document
index keeps about 1,150 files open, and select() refuses any descriptor past 1023."""
from __future__ import annotations

import subprocess
import sys
import time

from .conftest import ROOT, Server, env, kill9

HELD = 1100        # descriptors opened before the server starts; its forked workers inherit them

HOLDING = f"""
import os, sys
held = [os.open(os.devnull, os.O_RDONLY) for _ in range({HELD})]
sys.argv[0] = "dossier"
from dossier.cli import main
main()
"""


def test_a_server_holding_over_a_thousand_files_answers(tmp_path):
    data = tmp_path / "data"
    server = Server(data, workers=1)
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        server.proc = subprocess.Popen([sys.executable, "-c", HOLDING, "--data", str(data), "serve", "--port",
                                        str(server.port), "--workers", "1"], cwd=ROOT, env=env(),
                                       start_new_session=True, stdout=subprocess.DEVNULL, stderr=out)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and server.proc.poll() is None:
            try:
                status = server.request("GET", "/api/search?q=")[0]
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, log.read_text(errors="replace")[-2000:]
        assert "filedescriptor out of range" not in log.read_text(errors="replace")
    finally:
        kill9(server.proc)

"""`dossier import` of the corpus's malformed PDFs: the terminal shows Dossier's own lines only,
none of the libraries' warnings about the odd objects inside the files."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

OURS = re.compile(r"(importing|skipped .+: [a-z_]+: .+|\d+ added, \d+ already stored, \d+ skipped)$")


@pytest.mark.corpus
def test_an_import_of_malformed_pdfs_prints_only_our_own_lines(corpus, tmp_path):
    folder = corpus / "pdf" / "malformed"
    dossier = Path(sys.executable).with_name("dossier")
    done = subprocess.run([str(dossier), "--data", str(tmp_path / "data"), "import", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr      # 1: some files were skipped, and said why
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert re.fullmatch(r"\d+ added, 0 already stored, \d+ skipped", lines[-1])
    assert [line for line in lines if not OURS.match(line)] == []

"""Importing the whole corpus: what can be stored is, every file refused is reported with its reason."""
from __future__ import annotations

import json
import re

import pytest

from dossier.uploads.errors import CODES

pytestmark = pytest.mark.corpus


def test_import_of_the_whole_corpus_stores_what_it_can_and_reports_every_skip(dossier, corpus):
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and p.parent.name != "seed"
                   and "press-releases" not in p.parts and p.name not in ("manifest.tsv", "README.md"))
    results = [dossier("import", corpus / folder) for folder in ("pdf", "other-formats", "photos")]
    assert [r.exit_code for r in results] == [1, 1, 0]
    stderr = "".join(r.stderr for r in results)

    skipped = re.findall(r"^skipped line \d+: (\S+): (\w+): .+$", stderr, re.M)
    assert skipped, stderr
    assert {code for _, code in skipped} <= set(CODES)
    added = sum(int(n) for n in re.findall(r"^(\d+) added", stderr, re.M))
    same = sum(int(n) for n in re.findall(r"(\d+) already stored", stderr))
    assert added + same + len(skipped) == len(files)

    names = dict(skipped)
    assert names["derived__png-named-as.pdf"] == "type_mismatch"
    assert names["doctor__empty.pdf"] == "empty"
    assert names["doctor__word-perfect.wpd"] == "unsupported_type"

    stored = json.loads(dossier("search", "", "--per-page", "100", "--json").stdout)
    assert stored["total"] == added
    statuses = {}
    for page in range(1, stored["total"] // 100 + 2):
        hits = json.loads(dossier("search", "", "--per-page", "100", "--page", str(page), "--json").stdout)["hits"]
        for hit in hits:
            shown = json.loads(dossier("show", hit["id"], "--json").stdout)
            statuses[shown["filename"]] = shown["layer_status"] or shown["text_status"]    # before OCR
    assert statuses["pypdf__encrypted-file.pdf"] == "encrypted"
    assert statuses["pypdf__r6-empty-password.pdf"] == "extracted"
    assert statuses["doctor__gov.uscourts.nysd.413994.212.0.pdf"] == "garbled"
    assert statuses["doctor__ca9_19.pdf"] == "extracted"
    assert statuses["exif__tests_42_IndexError.jpg"] == "not_applicable"
    assert dossier("check").exit_code == 0

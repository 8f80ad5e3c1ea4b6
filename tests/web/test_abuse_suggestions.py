"""Queries that make the most work for "did you mean" and for expanding words, on an index with a
large vocabulary: each answered quickly (a page or a 400), none able to tie up a worker."""
from __future__ import annotations

import random
import string

import pytest

from tests.web.test_abuse_queries import check
from dossier.web import close_services, create_app
from dossier.core.settings import Config

WORDS = 20_000


def pseudo_words(rng: random.Random, n: int, length: int = 5) -> list[str]:
    return ["".join(rng.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(n)]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """400 releases over 20,000 distinct five-letter words: any five letters are a word or two
    edits from dozens of them, which is what makes suggestions expensive."""
    from dossier.core.adding import store_unit
    from dossier.uploads.intake import typed

    app = create_app(Config(data_dir=tmp_path_factory.mktemp("suggest") / "data", extract_workers=1),
                     TESTING=True)
    services = app.extensions["dossier"]
    rng = random.Random(7)
    vocabulary = pseudo_words(rng, WORDS)
    ids = [store_unit(services.repo, services.intake,          # stored first, indexed in one batch
                      typed(f"Release {n}\n" + " ".join(rng.choices(vocabulary, k=60)), {"title": f"Release {n}"}))
           [0].document.id for n in range(400)]
    services.indexer.index_ids(ids)
    yield app.test_client()
    close_services(app)


WORST = [
    " ".join(pseudo_words(random.Random(1), 333)),                      # 333 unknown words: 1,998 characters
    " OR ".join(pseudo_words(random.Random(2), 200)),
    " ".join(w + "~2" for w in pseudo_words(random.Random(3), 200)),     # fuzzy terms (refused)
    " ".join(w + "~" for w in pseudo_words(random.Random(7), 5)),        # as many as are allowed
    " ".join(w[:2] + "*" for w in pseudo_words(random.Random(4), 300)),  # short wildcard prefixes
    " ".join(w[:3] + "?" + w[4] for w in pseudo_words(random.Random(5), 300)),
    " ".join(f'"{a} {b} {c}"' for a, b, c in zip(*[iter(pseudo_words(random.Random(6), 297))] * 3)),
]


@pytest.mark.parametrize("text", WORST, ids=["words", "or", "fuzzy", "fuzzy-5", "prefixes", "wildcards", "phrases"])
def test_the_most_expensive_queries_the_limits_admit_answer_quickly(client, text):
    assert len(text) <= 2000
    for path in ("/search", "/api/search"):
        check(client, path, {"q": text})


def test_a_typo_still_gets_a_suggestion(client):
    vocabulary = set(pseudo_words(random.Random(7), WORDS))
    word = next(w for w in sorted(vocabulary) if w[1:2] + w[:1] + w[2:] not in vocabulary)
    typo = word[1] + word[0] + word[2:]              # two letters swapped
    body = client.get("/api/search", query_string={"q": typo, "as_typed": "1"}).get_json()
    assert body["total"] == 0
    assert body["suggestion"] in vocabulary
    instead = client.get("/api/search", query_string={"q": typo}).get_json()     # the correction's results
    assert instead["total"] > 0 and instead["corrected_from"] == typo and instead["query"] == body["suggestion"]

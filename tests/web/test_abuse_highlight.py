"""The document page marks a query's matches with the index's own analysis: the words a snippet
marks, quickly whatever the query's length or the document's."""
from __future__ import annotations

import random
import re
import string
import time


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_the_document_page_marks_the_words_its_snippet_marks(client, services):
    main, _ = services.add_text("Families separated at the border\nThe families were separated; "
                                       "family separation is the policy.", {"title": "Separation"})
    hit = client.get("/api/search", query_string={"q": "family separation"}).get_json()["hits"][0]
    page = client.get(f"/documents/{main.document.id}", query_string={"q": "family separation"}).get_data(as_text=True)
    in_text = page[page.index('id="text-heading"'):]
    assert set(marked(hit["snippet"])) == {"Families", "separated", "families", "family", "separation"}
    assert set(marked(in_text)) == set(marked(hit["snippet"]))


def test_a_long_query_over_a_long_text_is_highlighted_quickly(client, services):
    rng = random.Random(3)
    words = ["".join(rng.choice(string.ascii_lowercase) for _ in range(6)) for _ in range(5000)]
    body = " ".join(rng.choice(words) for _ in range(250_000))          # about 1.7 MB of text
    main, _ = services.add_text("A long transcript about an aquifer\n" + body, {"title": "Transcript"})
    query = " OR ".join(["aquifers"] + words[:300])[:1990]
    started = time.monotonic()
    response = client.get(f"/documents/{main.document.id}", query_string={"q": query})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < 2.0, f"{elapsed:.2f}s"
    assert "<mark>aquifer</mark>" in response.get_data(as_text=True)

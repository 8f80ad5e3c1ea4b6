"""The Atom feeds, read the way a feed reader reads them (feedparser): well formed, ordered by
publication, attachments as enclosures, paged past 50 entries."""
from __future__ import annotations

import re
import time

import feedparser

from dossier.core import OPERATOR, Release
from dossier.web.feeds import ENTRIES


def read(client, url: str):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    return feed


def ids(feed) -> list[str]:
    return [entry.id.rsplit("/", 1)[-1] for entry in feed.entries]


def test_releases_come_in_the_order_they_were_published_whatever_their_date(client, services):
    draft = Release("draft")
    older, _ = services.add_text("A release from 2001, published today.", {"title": "Back-dated", "date": "2001-05-01"},
                                 release=draft)
    undated, _ = services.add_text("A release with no date.", {"title": "Undated"}, release=draft)
    newer, _ = services.add_text("A release dated this year.", {"title": "Recent", "date": "2026-01-05"})
    time.sleep(1.1)                 # publication times are kept to the second
    services.publish(older.document.id, actor=OPERATOR)
    time.sleep(1.1)
    services.publish(undated.document.id, actor=OPERATOR)
    feed = read(client, "/feeds/releases.atom")
    assert [e.title for e in feed.entries] == ["Undated", "Back-dated", "Recent"]
    assert all(e.published_parsed and e.updated_parsed for e in feed.entries)
    assert feed.entries[0].published_parsed > feed.entries[1].published_parsed > feed.entries[2].published_parsed


def test_a_release_carries_its_attachments_as_enclosures(client, release):
    main, (complaint, exhibit) = release
    feed = read(client, "/feeds/releases.atom")
    (entry,) = feed.entries
    enclosures = [(link.href.split("/")[-2], link.type, int(link.length)) for link in entry.enclosures]
    assert enclosures == [(main.id, main.mime, main.size), (complaint.id, "application/pdf", complaint.size),
                          (exhibit.id, "application/pdf", exhibit.size)]
    with client.get(entry.enclosures[1].href.replace("http://localhost", "")) as downloaded:
        assert downloaded.status_code == 200 and len(downloaded.data) == complaint.size


def test_the_releases_feed_pages_back_through_every_release_once(client, services):
    added = {services.add_text(f"Release number {n}.", {"title": f"Release {n}"}).main.document.id
             for n in range(ENTRIES + 7)}       # all published within a second or two: ties on time
    seen, url = [], "/feeds/releases.atom"
    while url:
        feed = read(client, url)
        seen += ids(feed)
        nexts = [link.href for link in feed.feed.links if link.rel == "next"]
        url = nexts[0].replace("http://localhost", "") if nexts else None
    assert len(seen) == len(set(seen)) == len(added) and set(seen) == added
    assert client.get("/feeds/releases.atom?before=yesterday").status_code == 400


def test_a_search_feed_pages_too_and_drafts_never_appear(client, services):
    for n in range(ENTRIES + 3):
        services.add_text(f"Groundwater notice {n}.", {"title": f"Notice {n}"})
    services.add_text("Groundwater draft, not public.", {"title": "Secret draft"}, release=Release("draft"))
    first = read(client, "/feeds/search.atom?q=groundwater")
    assert len(first.entries) == ENTRIES
    (next_url,) = [link.href for link in first.feed.links if link.rel == "next"]
    second = read(client, next_url.replace("http://localhost", ""))
    assert len(second.entries) == 3 and not [link for link in second.feed.links if link.rel == "next"]
    titles = [e.title for e in first.entries + second.entries]
    assert "Secret draft" not in titles and len(set(titles)) == ENTRIES + 3


def test_every_search_case_and_browse_page_links_a_feed_that_reads(client, release):
    main, (complaint, _) = release
    for page in ("/search?q=perchlorate", "/cases/1:19-cv-00123", "/browse/topic/water", "/search?kind=filing"):
        html = client.get(page).get_data(as_text=True)
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)"', html)
        feed_url = [url for url in links if "/feeds/search.atom" in url]
        assert feed_url, page
        feed = read(client, feed_url[0].replace("&amp;", "&"))
        assert feed.entries, page

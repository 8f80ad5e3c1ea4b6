"""Accessibility in headless Chromium: axe-core (WCAG 2.1 A/AA) over every page type, and the keyboard.

axe-core comes bundled in the `axe-playwright-python` package (test extra), so no npm is needed.
The app is served in-process (werkzeug, one thread per request) over a data folder filled once
for the module: a release with two PDF attachments, a dozen more releases (so there is a second
page of results), a photo and a staff account.
"""
from __future__ import annotations

import struct
import threading
import zlib
from pathlib import Path

import pytest

from tests.web.test_browser import ARGS, CHROMIUM, SHOTS, browser  # noqa: F401  (browser is a fixture)

PASSWORD = "accessibility test password"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]


def _png(path: Path) -> Path:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    width = height = 8
    raw = b"".join(b"\x00" + b"\x2e\x62\x76" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def _jpeg(path: Path) -> Path:
    """A 480x320 photo: bands of colour, enough to see that it is drawn."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (46, 98, 118))
    draw = ImageDraw.Draw(image)
    for band in range(0, 320, 40):
        draw.rectangle((0, band, 480, band + 18), fill=(200, 220, 230))
    image.save(path, "JPEG")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app over a filled data folder, served on a free port: (base URL, {name: document id})."""
    from werkzeug.serving import make_server

    from tests.pdfmaker import make_pdf
    from dossier.core import Upload
    from dossier.web import close_services, create_app
    from dossier.core.settings import Config

    tmp = tmp_path_factory.mktemp("a11y")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DOSSIER_SECRET_KEY", raising=False)
        app = create_app(Config(data_dir=tmp / "data", extract_workers=1, max_upload_mb=2), TESTING=True)
    services = app.extensions["dossier"]
    app.extensions["dossier.accounts"].add_user("press", PASSWORD)

    complaint = make_pdf(tmp / "complaint.pdf", ["Complaint first page", "Jurisdiction and venue",
                                                 "The defendants poisoned the aquifer with perchlorate."])
    exhibit = make_pdf(tmp / "exhibit.pdf", ["Exhibit A: laboratory results"])
    main, parts = services.add_text(
        "State sues over groundwater\nThe Attorney General filed suit over contaminated groundwater.",
        {"title": "State sues polluters over groundwater", "date": "2019-03-04",
         "office": "Environmental Protection", "topics": ["water", "pollution"], "places": ["Albuquerque"]},
        [Upload(complaint, "complaint.pdf", {"kind": "filing", "title": "Complaint", "court": "D.N.M.",
                                             "case_number": "1:19-cv-00123", "doc_type": "complaint",
                                             "date": "2019-03-03"}),
         Upload(exhibit, "Exhibit Ä.pdf", {"kind": "filing", "title": "Exhibit A", "doc_type": "exhibit"})])
    for n in range(12):
        services.add_text(f"Water update {n}\nThe office reports on drinking water, week {n}.",
                                 {"title": f"Drinking water update number {n + 1}", "date": f"2020-0{n % 9 + 1}-1{n % 9}",
                                  "office": ["Consumer Protection", "Environmental Protection"][n % 2],
                                  "topics": ["water"]})
    photo, _ = services.add(Upload(_png(tmp / "podium.png"), "podium.png",
                                          {"title": "The Attorney General at the podium", "date": "2019-03-04"}))
    visit, (visit_filing, visit_photo) = services.add_text(
        "AG visits the treatment plant\nThe Attorney General toured the plant.",
        {"title": "AG tours the treatment plant", "date": "2019-05-06", "topics": ["water"]},
        [Upload(make_pdf(tmp / "order.pdf", ["Order granting the injunction", "The plant shall stop."]), "order.pdf",
                {"kind": "filing", "title": "Order granting the injunction", "doc_type": "order"}),
         Upload(_jpeg(tmp / "plant.jpg"), "plant.jpg", {"kind": "photo", "title": "The treatment plant's basins"})])
    # A court caption's rule of underscores: one unbroken run, wider than a phone.
    services.add_text("Opinion\nUNITED STATES DISTRICT COURT " + "_" * 60 + " : Plaintiff, : Civ. No. 3:18-cv-1",
                      {"title": "Opinion with a caption rule", "date": "2019-07-01", "office": "Civil Rights"})
    ids = {"release": main.document.id, "filing": parts[0].document.id, "photo": photo.document.id,
           "visit": visit.document.id}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    thread.join(timeout=10)
    close_services(app)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _sign_in(page, base: str) -> None:
    page.goto(base + "/signin")
    page.get_by_label("User name").fill("press")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "Signed in as press" in page.content() or page.locator("text=Sign out").count()


@pytest.fixture(scope="module")
def audit(browser, site):  # noqa: F811
    """A page in a context that bypasses our CSP (axe's script is injected by the test, not by us)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def violations(axe, page) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    out = []
    for v in results.response["violations"]:
        targets = [", ".join(map(str, node["target"])) for node in v["nodes"]][:5]
        out.append(f"{v['id']} ({v['impact']}): {v['help']} -> {targets}")
    return out


PUBLIC_PAGES = [
    ("search-empty-query", "/"),
    ("search-results-facets-chosen", "/search?q=water&kind=release&topic=water&office=Environmental+Protection"),
    ("search-page-2-with-dates", "/search?topic=water&from=2019-01-01&to=2020-12-31&page=2"),
    ("search-pdf-pages", "/search?q=perchlorate"),
    ("search-did-you-mean", "/search?q=groundwatr"),
    ("search-no-results", "/search?q=zebrafish&kind=photo"),
    ("search-bad-query", "/search?page=abc"),
    ("document-release", "/documents/{release}"),
    ("document-filing", "/documents/{filing}?q=perchlorate"),
    ("document-photo", "/documents/{photo}"),
    ("document-release-with-photo", "/documents/{visit}"),
    ("embed-page-1", "/documents/{filing}/embed"),
    ("embed-page-2", "/documents/{filing}/embed?page=2"),
    ("embed-text-release", "/documents/{release}/embed"),
    ("reader-page-1", "/documents/{filing}/pages/1"),
    ("reader-with-query", "/documents/{filing}/pages/3?q=perchlorate"),
    ("reader-no-match", "/documents/{filing}/pages/2?q=zebrafish"),
    ("case", "/cases/1:19-cv-00123"),
    ("browse", "/browse/topic/water"),
    ("signin", "/signin"),
    ("signin-error", None),
    ("not-found", "/documents/nosuchdocument"),
]


def test_public_pages_have_no_axe_violations(site, audit, axe):
    base, ids = site
    found = {}
    for name, path in PUBLIC_PAGES:
        if path is None:  # a failed sign-in
            audit.goto(base + "/signin")
            audit.get_by_label("User name").fill("press")
            audit.get_by_label("Password").fill("wrong")
            audit.get_by_role("button", name="Sign in").click()
            audit.wait_for_load_state()
        else:
            audit.goto(base + path.format(**ids))
        found[name] = violations(axe, audit)
    bad = {name: v for name, v in found.items() if v}
    assert not bad, "\n".join(f"{name}:\n  " + "\n  ".join(v) for name, v in bad.items())


def test_staff_pages_have_no_axe_violations(site, browser, axe):  # noqa: F811
    base, ids = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    try:
        _sign_in(page, base)
        found = {}
        page.goto(base + "/upload")
        found["upload"] = violations(axe, page)
        # Errors: no release text, and an attachment's details without its file.
        page.locator("#title").fill("A release with no text")
        page.locator("#att-0-title").fill("A title without a file")
        page.get_by_role("button", name="Upload", exact=True).click()
        page.wait_for_load_state()
        assert page.locator(".usa-error-message").count() == 2
        found["upload-errors"] = violations(axe, page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "upload-errors.png"), full_page=True)
        # The error summary's links lead to the fields, which name their error.
        field = page.locator("#release_text")
        assert "release_text-error" in field.get_attribute("aria-describedby")
        assert field.get_attribute("aria-invalid") == "true"
        page.locator(".usa-alert--error a[href='#release_text']").click()
        assert page.evaluate("document.activeElement.id") == "release_text"

        page.goto(base + f"/documents/{ids['release']}")
        found["document-release-signed-in"] = violations(axe, page)
        page.goto(base + f"/documents/{ids['release']}/edit")
        found["edit"] = violations(axe, page)
        page.screenshot(path=str(SHOTS / "edit.png"), full_page=True)
        page.locator("#title").fill("")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_load_state()
        found["edit-errors"] = violations(axe, page)
        page.screenshot(path=str(SHOTS / "edit-errors.png"), full_page=True)
        bad = {name: v for name, v in found.items() if v}
        assert not bad, "\n".join(f"{name}:\n  " + "\n  ".join(v) for name, v in bad.items())
    finally:
        context.close()


# What shows the keyboard focus: the focused element's outline or box-shadow; for a USWDS checkbox
# (the input itself is moved off screen) the box drawn by its label's ::before.
FOCUSED_STYLE = """() => {
  const el = document.activeElement;
  let shown = el, pseudo = null;
  if (el.matches('.usa-checkbox__input, .usa-radio__input')) {
    shown = document.querySelector(`label[for="${el.id}"]`); pseudo = '::before';
  }
  const style = getComputedStyle(shown, pseudo);
  const transparent = c => c === 'transparent' || /rgba\\(.*, 0\\)$/.test(c);
  const box = shown.getBoundingClientRect();
  return {tag: el.tagName, id: el.id, name: el.name || '', value: el.value || '',
          text: (el.innerText || el.value || '').trim().slice(0, 40),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                   && !transparent(style.outlineColor),
          shadow: style.boxShadow !== 'none' && !pseudo, style: `${style.outline} / ${style.boxShadow}`,
          focus: el.matches(':focus'), docfocus: document.hasFocus(),
          onscreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0};
}"""


def _tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_STYLE)
    if not (focused["onscreen"] and (focused["outline"] or focused["shadow"])):
        # e.g. the skip link slides in (a .15 s transition); a date field's inner editor settles
        page.wait_for_timeout(250)
        focused = page.evaluate(FOCUSED_STYLE)
    assert focused["tag"] != "BODY", "focus was lost"
    assert focused["onscreen"], f"the focused element is not on screen: {focused}"
    assert focused["outline"] or focused["shadow"], f"no visible focus indicator on {focused}"
    return focused


def _tab_to(page, predicate, limit: int = 80) -> dict:
    seen = []
    for _ in range(limit):
        focused = _tab(page)
        if predicate(focused):
            return focused
        seen.append(focused)
    raise AssertionError(f"not reached with Tab; focus went through {[(f['tag'], f['id'], f['text']) for f in seen]}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_keyboard_skip_link_search_and_facets(site, browser, javascript):  # noqa: F811
    base, _ = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    try:
        page.goto(base + "/search?q=water")
        first = _tab(page)
        assert first["tag"] == "A" and first["text"] == "Skip to main content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main-content"

        page.goto(base + "/search?q=water")
        _tab_to(page, lambda f: f["id"] == "q")
        page.keyboard.press("Control+A")
        page.keyboard.type("drinking water")
        _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Search")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=drinking+water**")

        # The facet checkboxes are reachable in order and Space chooses one.
        box = _tab_to(page, lambda f: f["tag"] == "INPUT" and f["id"].startswith("facet-office-"))
        label = page.locator(f"label[for='{box['id']}']").inner_text()
        assert "Consumer Protection" in label or "Environmental Protection" in label
        office = "Consumer+Protection" if "Consumer" in label else "Environmental+Protection"
        page.keyboard.press("Space")
        if javascript:  # the form submits itself, and focus comes back to the checkbox
            page.wait_for_url(f"**office={office}**")
            focused = page.evaluate(FOCUSED_STYLE)
            assert (focused["name"], focused["value"]) == (box["name"], box["value"]) and focused["outline"]
        else:  # the apply button is there, visible, after the facets
            assert page.locator(f"#{box['id']}").is_checked()
            button = page.get_by_role("button", name="Apply filters")
            assert button.is_visible()
            _tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Apply filters")
            page.keyboard.press("Enter")
            page.wait_for_url(f"**office={office}**")
        assert page.locator(".chosen__chip").count() == 1
        chosen = page.locator(f"input[type=checkbox][name=office][value='{box['value']}']")
        assert chosen.is_checked()
        # Space again removes the choice.
        chosen.focus()
        page.keyboard.press("Space")
        if not javascript:
            page.get_by_role("button", name="Apply filters").click()
        page.wait_for_function("() => !location.search.includes('office=')")
        assert page.locator(".chosen__chip").count() == 0

        # Sort: arrow keys move through the options without reloading; the Sort button follows it,
        # visible when focused, and submits.
        page.locator("#sort").focus()
        url = page.url
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(200)
        assert page.url == url
        sort_button = _tab(page)
        assert sort_button["tag"] == "BUTTON" and sort_button["text"] == "Sort"
        page.keyboard.press("Enter")
        page.wait_for_url("**sort=**")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_reader_in_chromium_draws_the_page_and_its_hits(site, browser, width):  # noqa: F811
    """Page 1, and page 3 with a query: the image loads, the hit is drawn over it, nothing is wider
    than the screen, and on a phone the details come before the page. Screenshots are kept."""
    base, ids = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for name, path in [("page-1", "/pages/1"), ("page-3-query", "/pages/3?q=perchlorate")]:
            page.goto(f"{base}/documents/{ids['filing']}{path}")
            page.wait_for_load_state("networkidle")
            image = page.locator(".reader__image img")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if "q=" in path:
                assert page.locator(".reader__hit").count() == 1
                assert page.locator(".reader__text mark").count() >= 1
            details = page.locator(".reader__details").bounding_box()
            figure = page.locator(".reader__page").bounding_box()
            assert (details["y"] < figure["y"]) if width < 1024 else (details["x"] > figure["x"])
            page.screenshot(path=str(SHOTS / f"reader-{name}-{width}.png"), full_page=True)
    finally:
        context.close()


def _loaded(page, selector: str) -> list[str]:
    """The src of each image under ``selector`` that did not load (a broken image)."""
    return page.eval_on_selector_all(selector, "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0))"
                                                ".map(i => i.currentSrc || i.src)")


def _scroll_through(page) -> None:
    """Scroll to the bottom a screen at a time, so lazy images start, and wait for them."""
    page.evaluate("""async () => {
        for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
            scrollTo(0, y); await new Promise(r => setTimeout(r, 50));
        }
        await Promise.all([...document.images].map(i => i.decode().catch(() => null)));
    }""")


@pytest.mark.parametrize("width, javascript", [(1280, True), (390, True), (390, False)])
def test_thumbnails_load_on_results_release_case_and_browse_pages(site, browser, width, javascript):  # noqa: F811
    """Every thumbnail loads (naturalWidth > 0), in its fixed box, with its alt text; text documents
    show the lined box; nothing is wider than the screen. Screenshots are kept."""
    base, ids = site
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        loaded = []           # (status, type) of every thumbnail fetched: seen without JavaScript too
        page.on("response", lambda r: loaded.append((r.status, r.headers.get("content-type")))
                if "thumbnail.webp" in r.url else None)
        for name, path, wanted in [("results", "/search?kind=filing&kind=photo", 5),
                                   ("release", f"/documents/{ids['visit']}", 3),
                                   ("case", "/cases/1:19-cv-00123", 1), ("browse", "/browse/topic/water", 0)]:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            thumbs = page.locator(".thumb img, .photos img")
            assert thumbs.count() >= wanted, name
            # Fixed boxes (nothing moves as images load): smaller on a phone and in a release's table.
            for box in page.locator(".thumb").all():
                size = box.bounding_box()
                small = width < 640 or box.evaluate("b => !!b.closest('table')")
                assert (round(size["width"]), round(size["height"])) == ((64, 83) if small else (100, 130)), name
            if name == "release":
                assert page.locator(".photos img").count() == 1      # the release's photo, drawn large
            assert all(img.get_attribute("alt") for img in thumbs.all()), name
            if javascript:        # (no script can be run in the page without it)
                _scroll_through(page)
                assert _loaded(page, ".thumb img, .photos img, .document__photo img") == [], name
                assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            page.screenshot(path=str(SHOTS / f"thumbnails-{name}-{width}{'' if javascript else '-nojs'}.png"),
                            full_page=True)
        assert loaded and all(status == 200 and kind == "image/webp" for status, kind in loaded), loaded
    finally:
        context.close()


HOST_PAGE = """<!DOCTYPE html><html lang="en"><head><title>A newspaper</title></head><body>
<h1>A story about the case</h1>
<div id="embed">{embed}</div>
<iframe id="document" src="{document}" width="600" height="400" title="The document page"></iframe>
</body></html>"""


@pytest.mark.parametrize("name, path", [("results", "/search?q=caption+opinion"),
                                        ("browse", "/browse/office/Civil%20Rights")])
def test_a_long_unbroken_run_in_a_snippet_stays_within_a_phone_screen(site, browser, name, path):  # noqa: F811
    base, _ = site
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(base + path)
        assert "_" * 60 in page.locator(".snippet").first.inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"long-run-{name}-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


@pytest.fixture
def other_site():
    """Another origin (another port) serving one page, set by the test: a newspaper's story."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", pages
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_the_embed_is_framed_by_another_site_and_no_other_page_is(site, browser, other_site):  # noqa: F811
    """A page of another origin embeds the filing as oEmbed says: its image loads, the page bar
    shows in the frame and Next works inside it; the same page framing the document's own page
    gets nothing (frames are refused there)."""
    import json
    import urllib.parse
    import urllib.request

    base, ids = site
    host, pages = other_site
    asked = urllib.parse.urlencode({"url": f"{base}/documents/{ids['filing']}", "maxwidth": 500})
    with urllib.request.urlopen(f"{base}/oembed?{asked}") as answer:
        oembed = json.load(answer)
    pages["/story.html"] = HOST_PAGE.format(embed=oembed["html"], document=f"{base}/documents/{ids['filing']}")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(host + "/story.html")
        page.wait_for_load_state("networkidle")
        embed = page.frame_locator("#embed iframe")
        image = embed.locator(".embed__page img")
        image.wait_for()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        frame = page.locator("#embed iframe").bounding_box()
        border = 4                                               # the iframe's default 2 px each side
        assert (round(frame["width"]), round(frame["height"])) == (oembed["width"] + border, oembed["height"] + border)
        assert oembed["width"] <= 500
        nav = embed.locator(".embed__nav").bounding_box()       # in the frame, not scrolled out of it
        assert nav["y"] + nav["height"] <= frame["y"] + frame["height"] + 1
        assert "Page 1 of 3" in embed.locator(".embed__where").inner_text()
        embed.get_by_role("link", name="Next page").click()
        embed.locator(".embed__where", has_text="Page 2 of 3").wait_for()
        assert embed.locator(".embed__page img").evaluate("img => img.complete && img.naturalWidth > 0")
        back = embed.locator(".embed__title a")
        assert back.get_attribute("target") == "_blank" and back.get_attribute("href").endswith("/pages/2")
        # The document page refuses the frame: Chromium shows its error page, none of ours.
        assert page.frame_locator("#document").locator("#doc-title").count() == 0
        framed = [f.url for f in page.frames if f != page.main_frame]
        assert not any(url == f"{base}/documents/{ids['filing']}" for url in framed), framed
        page.screenshot(path=str(SHOTS / "embed-framed-by-another-site.png"), full_page=True)
    finally:
        context.close()


SELECT_WORDS = """words => {
    const text = document.querySelector('.reader__text .doc-page__text');
    const node = [...text.childNodes].find(n => n.nodeType === 3 && n.textContent.includes(words));
    const start = node.textContent.indexOf(words);
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, start + words.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
}"""


@pytest.mark.parametrize("javascript", [True, False])
def test_selected_words_get_a_link_that_opens_the_page_with_them_highlighted(site, browser, axe, javascript):  # noqa: F811
    """With JavaScript, selecting words of the page's text offers a link (the page with the words
    as a phrase query); following it highlights them in the text and draws them on the image.
    Without it the offer stays hidden, and the plain "Link to this page" is a working link."""
    base, ids = site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript,
                                  bypass_csp=True)      # (for axe's script, injected by the test)
    page = context.new_page()
    try:
        reader = f"{base}/documents/{ids['filing']}/pages/3"
        page.goto(reader)
        offer = page.locator(".reader__quote")
        assert not offer.is_visible()
        plain = page.locator("a[data-copy-link]")
        assert plain.get_attribute("href") == reader
        if not javascript:
            plain.click()
            page.wait_for_url(reader)
            return
        page.evaluate(SELECT_WORDS, "poisoned the aquifer")
        offer.wait_for(state="visible")
        link = offer.get_by_role("link", name="Copy a link to the selected words")
        assert link.get_attribute("href") == reader + "?q=%22poisoned%20the%20aquifer%22"
        assert violations(axe, page) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "reader-quote-offered.png"), full_page=True)
        page.goto(link.get_attribute("href"))
        marks = page.locator(".reader__text mark").all_inner_texts()
        assert "poisoned" in marks and "aquifer" in marks
        assert page.locator(".reader__hit").count() >= 2
        page.screenshot(path=str(SHOTS / "reader-quote-followed.png"), full_page=True)
    finally:
        context.close()

"""The issue's scenario in headless Chromium against `dossier serve` (two worker processes)."""
from __future__ import annotations

import hashlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.pdfmaker import make_pdf

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "test-artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "browser test password"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dossier(data: Path, *args, **kwargs):
    code = "from dossier.cli import main; main()"
    return [sys.executable, "-c", code, "--data", str(data), *args]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser") / "data"
    env = dict(os.environ, DOSSIER_EXTRACT_WORKERS="1")
    subprocess.run(dossier(data, "user", "add", "press", "--password-stdin"), input=PASSWORD + "\n",
                   text=True, check=True, cwd=ROOT, env=env, capture_output=True)
    port = free_port()
    proc = subprocess.Popen(dossier(data, "serve", "--port", str(port), "--workers", "2"), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/search", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("dossier serve did not start")
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], errors  # e.g. a CSP violation or a missing asset


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_upload_find_narrow_open_download_and_edit(server, page, tmp_path):
    complaint = make_pdf(tmp_path / "complaint.pdf", [
        "COMPLAINT FOR INJUNCTIVE RELIEF", "Parties and jurisdiction",
        "Defendants discharged hexavalent chromium into the Rio Grande aquifer."])
    exhibit = make_pdf(tmp_path / "exhibit.pdf", ["Exhibit 1", "Sampling results from twelve wells"])

    page.goto(server + "/signin")
    page.get_by_label("User name").fill("press")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert "Signed in as press" in page.content()

    page.goto(server + "/upload")
    page.get_by_label("Text of the release").fill(
        "Attorney General sues over chromium pollution\n\nThe State filed suit today to stop the discharge.")
    page.locator("#title").fill("Attorney General sues over chromium pollution")
    page.locator("#date").fill("2024-06-12")
    page.locator("#office").fill("Environmental Protection Division")
    page.locator("#topics").fill("water\nenvironment")
    page.locator("#att-0-file").set_input_files(str(complaint))
    page.locator("#att-0-title").fill("Complaint for injunctive relief")
    page.locator("#att-0-court").fill("U.S. District Court for the District of New Mexico")
    page.locator("#att-0-case_number").fill("1:24-cv-00612")
    page.locator("#att-0-doc_type").fill("complaint")
    page.locator("#att-1-file").set_input_files(str(exhibit))
    page.locator("#att-1-title").fill("Exhibit 1: sampling results")
    page.get_by_role("button", name="Add another attachment").click()  # JS adds a third block in place
    assert page.locator("#att-2-file").count() == 1
    shot(page, "upload")
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(re.compile(r"/documents/\w+$"))
    release_url = page.url
    assert "with 2 attachment(s)" in page.content()

    page.goto(server + "/")
    page.get_by_label("Search words").fill('"hexavalent chromium"')
    page.get_by_role("button", name="Search").click()
    results = page.locator(".results .usa-collection__item")
    assert results.count() == 1 and "Complaint for injunctive relief" in results.first.inner_text()
    assert page.locator(".result-pages a").first.get_attribute("href").endswith("#page=3")
    page.locator(".facet__link", has_text="Court filing").click()
    assert "kind=filing" in page.url and page.locator(".chosen__chip").count() == 1
    shot(page, "search")

    page.get_by_role("link", name="Complaint for injunctive relief", exact=True).click()
    assert page.locator("#page-3 mark").first.inner_text().lower() == "hexavalent"
    page.get_by_role("link", name="Attorney General sues over chromium pollution").first.click()
    assert page.url.split("?")[0] == release_url
    shot(page, "document")
    page.locator("table.linked").get_by_role("link", name="Complaint for injunctive relief", exact=True).click()
    download = page.get_by_role("link", name=re.compile(r"^Download PDF")).get_attribute("href")
    body = page.context.request.get(server + download).body()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(complaint.read_bytes()).hexdigest()

    page.get_by_role("link", name="1:24-cv-00612").click()
    assert "Press releases about this case" in page.content()
    shot(page, "case")

    page.goto(release_url + "/edit")
    page.locator("#title").fill("Attorney General wins chromium cleanup order")
    page.get_by_role("button", name="Save changes").click()
    page.goto(server + "/search?q=cleanup")
    assert page.locator(".results").get_by_role("link", name="Attorney General wins chromium cleanup order").count() == 1


def test_pages_work_with_javascript_off(server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/search?q=chromium")
    assert page.locator("#sort").count() == 1 and page.get_by_role("button", name="Sort").is_visible()
    page.select_option("#sort", "oldest")
    page.get_by_role("button", name="Sort").click()
    assert "sort=oldest" in page.url
    context.close()


def test_mobile_layout(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/search")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "search-mobile")
    context.close()


def test_a_chosen_filing_fills_the_details_left_empty(server, page):
    corpus = ROOT.parent / "shared" / "corpus"
    motion = Path(os.environ.get("DOSSIER_CORPUS", corpus)) / "pdf/filings/xray__gov.uscourts.cand.320086.220.3.pdf"
    if not motion.exists():
        pytest.skip("../shared/corpus is not beside this checkout (set DOSSIER_CORPUS to point at it)")
    page.goto(server + "/signin")
    page.get_by_label("User name").fill("press")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(server + "/upload")
    page.locator("#att-0-court").fill("N.D. Cal. (San Francisco)")          # typed: kept
    page.locator("#att-0-file").set_input_files(str(motion))
    page.locator("#att-0-date-read").wait_for()          # the note the page adds beside what it read (no eval: CSP)
    assert page.locator("#att-0-date").input_value() == "2019-06-07"
    assert page.locator("#att-0-case_number").input_value() == "3:17-cv-06932"
    assert page.locator("#att-0-court").input_value() == "N.D. Cal. (San Francisco)"
    assert "Read from the document (e-filing stamp)" in page.content()
    shot(page, "upload-read")

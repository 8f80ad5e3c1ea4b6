"""`dossier serve` against slow and stalled clients, over real sockets on 127.0.0.1.

Slow clients must cost a connection, not a worker: a search answers in under a
second while 20 of them are connected. A live download is never cut, however
long it takes; a connection that stops moving is closed after the idle timeout.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest

from bench.slow_clients import SlowClient, timed_search, write_large_jpeg

from .conftest import PASSWORD, Doc, Server, dossier, make_token, marker, text_doc, write_manifest

LARGE = 64 * 2**20
SLOW_KINDS = ["headers"] * 7 + ["body"] * 7 + ["readers"] * 6


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A data folder with a few releases and one 64 MB original; (data, a word they share, the original's URL)."""
    tmp = tmp_path_factory.mktemp("slow")
    word = marker()
    docs = [text_doc(f"slow{n}") for n in range(3)]
    for doc in docs:
        doc.data += f"Every release says {word}.\n".encode()
    big_path = tmp / "large.jpg"
    write_large_jpeg(big_path, LARGE)
    big = Doc("large.jpg", big_path.read_bytes(), marker())
    data = tmp / "data"
    imported = dossier(data, "import", str(write_manifest(tmp / "import", [*docs, big])))
    assert imported.returncode == 0, imported.stderr
    found = dossier(data, "search", big.word, "--json")
    [hit] = json.loads(found.stdout)["hits"]
    make_token.value = make_token(data)         # user "press", for the tests that sign in or upload
    return data, word, f"/documents/{hit['id']}/original", big.sha256


def test_a_search_answers_in_under_a_second_with_20_slow_clients_connected(site):
    data, word, original, _ = site
    server = Server(data, workers=2).start()
    clients = []
    try:
        clients = [SlowClient(server.port, kind, original, deadline=25).start() for kind in SLOW_KINDS]
        time.sleep(2)                       # connected, headers and bodies part-way, downloads started
        took = [timed_search(server.port, f"/api/search?q={word}", timeout=5) for _ in range(5)]
        assert max(took) < 1.0, f"searches took {[round(t, 2) for t in took]} s beside 20 slow clients"
        assert [c.error for c in clients] == [None] * len(clients)
        readers = [c for c in clients if c.kind == "readers"]
        assert all(0 < c.received < LARGE for c in readers), [c.received for c in readers]
    finally:
        for client in clients:
            client.stop()
        server.stop()


def read_response(sock: socket.socket, rate: int | None, slow_seconds: float) -> tuple[dict, bytes, float]:
    """Headers and body of one response; the body read at `rate` bytes/s for `slow_seconds`, then at full speed."""
    started = time.monotonic()
    buffer = b""
    while b"\r\n\r\n" not in buffer:
        buffer += sock.recv(65536)
    head, body = buffer.split(b"\r\n\r\n", 1)
    headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
    length = int(headers["Content-Length"])
    parts = [body]
    received = len(body)
    while received < length:
        slow = rate and time.monotonic() - started < slow_seconds
        chunk = sock.recv(rate // 10 if slow else 2**20)
        if not chunk:
            break
        parts.append(chunk)
        received += len(chunk)
        if slow:
            time.sleep(0.1)
    return headers, b"".join(parts), time.monotonic() - started


def request(port: int, path: str, rcvbuf: int | None = None) -> socket.socket:
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes the connection within `within` seconds (what it had sent is drained)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if not sock.recv(2**20):
                return True
        except ConnectionResetError:
            return True
        except TimeoutError:
            continue
    return False


def test_a_slow_download_outlives_the_idle_timeout_and_a_stalled_one_is_dropped(site):
    data, _, original, sha256 = site
    server = Server(data, options=("--idle-timeout", "2")).start()
    try:
        with request(server.port, original, rcvbuf=16384) as sock:
            headers, body, took = read_response(sock, rate=2 * 2**20, slow_seconds=6)
        assert took > 6, "the download was not slow"
        assert int(headers["Content-Length"]) == LARGE == len(body)
        assert hashlib.sha256(body).hexdigest() == sha256
        status, part = server.request("GET", original, headers={"Range": "bytes=1000000-1999999"})
        assert status == 206 and part == body[1000000:2000000]

        with request(server.port, original, rcvbuf=16384) as stalled:
            stalled.recv(65536)
            time.sleep(5)                   # reads nothing: idle timeout 2 s, checked every second
            stalled.settimeout(1)
            assert closed_by_server(stalled, within=10)
        with socket.create_connection(("127.0.0.1", server.port), timeout=1) as silent:
            assert closed_by_server(silent, within=8)
    finally:
        server.stop()


def test_an_upload_that_takes_longer_than_the_idle_timeout_is_answered(site, tmp_path):
    from tests.pdfmaker import make_pdf

    from dossier.indexer.index import Index

    data, _, _, _ = site
    word = marker()
    path = make_pdf(tmp_path / "long.pdf", [f"Page {n} of a long filing about {word}." for n in range(200)])
    server = Server(data, options=("--idle-timeout", "1")).start()
    index = Index.open(data / "index")
    batch = index.batch()                       # holds the index's writer lock: the upload waits for it
    batch.add_entries("placeholder", [])
    release = threading.Timer(4, batch.cancel)
    try:
        release.start()
        started = time.monotonic()
        status, body = server.upload(make_token.value, Doc(path.name, path.read_bytes(), word),
                                     kind="filing", title="Long")
        took = time.monotonic() - started
        assert status == 201, body
        assert took > 3.5, f"the upload took {took:.1f} s: it did not wait for the writer lock"
        assert server.hits(word) == [body["id"]]
    finally:
        release.join()
        index.close()
        server.stop()


def send_head(port: int, head: str) -> tuple[int, bytes]:
    """Send a request's headers only (its body never follows); the status and body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head.encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1]), reply.split(b"\r\n\r\n", 1)[1]


def test_a_large_body_without_credentials_is_refused_before_it_is_sent(site):
    server = Server(site[0]).start()
    try:
        for path, extra in [("/api/documents", ""), ("/api/documents", "Authorization: Bearer dsr_made_up\r\n"),
                            ("/upload", "Cookie: dossier_session=forged\r\n"), ("/signin", "")]:
            status, body = send_head(server.port, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}"
                                                  f"Content-Type: multipart/form-data; boundary=B\r\n"
                                                  f"Content-Length: {50 * 2**20}\r\n\r\n")
            assert status == 403 and b"Sign in" in body, (path, status, body[:200])
        status, _ = send_head(server.port, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                           "Transfer-Encoding: chunked\r\n\r\n")
        assert status == 403
    finally:
        server.stop()


def test_a_signed_in_browser_may_send_a_large_form(site):
    import re
    import urllib.parse

    server = Server(site[0]).start()
    conn = __import__("http.client").client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", "/signin")
        page = conn.getresponse()
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.read()).group(1).decode()
        form = urllib.parse.urlencode({"username": "press", "password": PASSWORD, "csrf_token": csrf})
        conn.request("POST", "/signin", form, {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        signed_in = conn.getresponse()
        signed_in.read()
        assert signed_in.status == 303
        cookie = signed_in.headers["Set-Cookie"].split(";", 1)[0]
        conn.request("GET", "/upload", headers={"Cookie": cookie})
        page = conn.getresponse()
        cookie = (page.headers["Set-Cookie"] or cookie).split(";", 1)[0]
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.read()).group(1).decode()
        body = (f'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{csrf}\r\n'
                f'--B\r\nContent-Disposition: form-data; name="notes"\r\n\r\n').encode() + b"x" * 200_000 + \
            b"\r\n--B--\r\n"
        conn.request("POST", "/upload", body, {"Cookie": cookie, "Content-Type": "multipart/form-data; boundary=B"})
        answer = conn.getresponse()
        text = answer.read()
        assert answer.status != 403 and b"Sign in (or send an API token)" not in text, (answer.status, text[:300])
    finally:
        conn.close()
        server.stop()


def test_a_busy_port_is_named_with_a_free_one_to_try(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = dossier(tmp_path / "data", "serve", "--port", str(port), timeout=30)
    assert result.returncode == 2
    message = result.stderr.strip()
    assert message.startswith(f"dossier: port {port} is in use; try --port "), message
    assert "Traceback" not in result.stderr and "\n" not in message
    suggested = int(message.rsplit(" ", 1)[1])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", suggested))


def test_forwarded_headers_do_not_change_absolute_urls(site):
    data, word, _, _ = site
    server = Server(data).start()
    try:
        status, raw = server.request("GET", f"/api/search?q={word}", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "443",
            "Forwarded": "proto=https;host=evil.example"})
        assert status == 200
        urls = [hit["url"] for hit in json.loads(raw)["hits"]]
        assert urls and all(url.startswith(f"http://127.0.0.1:{server.port}/") for url in urls), urls
    finally:
        server.stop()
    assert f'"GET /api/search?q={word} HTTP/1.1" 200 ' in server.log.read_text(), "no access log line"


def test_forwarded_headers_from_the_configured_proxy_count(site, monkeypatch):
    data, word, _, _ = site
    monkeypatch.setenv("DOSSIER_TRUSTED_PROXIES", "127.0.0.1")
    server = Server(data).start()
    try:
        status, raw = server.request("GET", f"/api/search?q={word}", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": "dossier.example", "X-Forwarded-Port": "443"})
        assert status == 200
        urls = [hit["url"] for hit in json.loads(raw)["hits"]]
        assert urls and all(url.startswith("https://dossier.example/") for url in urls), urls
    finally:
        server.stop()


def children_of(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def workers_of(pid: int) -> list[int]:
    """The web workers: forked, so they share the server's command line (the background
    process and multiprocessing's resource tracker are spawned, with their own)."""
    def command(p):
        try:
            return Path(f"/proc/{p}/cmdline").read_bytes()
        except FileNotFoundError:
            return None
    return [k for k in children_of(pid) if command(k) == command(pid)]


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_the_server_stops_its_workers(site, sig):
    data = site[0]
    server = Server(data, workers=2).start()
    try:
        workers = workers_of(server.proc.pid)
        assert len(workers) == 2
        everyone = children_of(server.proc.pid)         # the background process too
        os.kill(server.proc.pid, sig)                   # the parent alone, as a service manager might
        code = server.proc.wait(timeout=20)
        assert wait_gone(everyone, 10) == [], "processes outlived the server"
        if sig != signal.SIGKILL:
            assert code == 0
            assert "Traceback" not in server.log.read_text()
    finally:
        server.kill()


def test_serve_leaves_no_runtime_files_in_home(site, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    server = Server(site[0]).start()
    try:
        assert server.request("GET", "/")[0] == 200
    finally:
        server.stop()
    assert list(home.iterdir()) == []


def test_a_worker_that_dies_is_replaced(site):
    server = Server(site[0], workers=2).start()
    try:
        first, second = workers_of(server.proc.pid)
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while (len(workers_of(server.proc.pid)) < 2 or first in workers_of(server.proc.pid)) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
        now = workers_of(server.proc.pid)
        assert len(now) == 2 and first not in now and second in now, now
        assert all(timed_search(server.port, "/api/search?q=", 10) < 10 for _ in range(4))
        assert f"worker {first} was killed by signal 9" in server.log.read_text()
    finally:
        server.stop()

"""Issue "See": the time from an upload to its thumbnails, and the size of a long exhibit's first
reader view, through `dossier serve` (2 worker processes) on a fresh data folder per round.

    .venv/bin/python -m bench.see [--rounds 3] [--work /tmp/see-bench] [--data DIR]

Each round runs twice: on a server just started ("cold": its first upload starts the extraction
and render workers) and after four small uploads two at a time ("warm", as on a server that has
been running). ``--data``: each round starts from a copy of this data folder (a kept benchmark
run's, ``python -m bench run --docs 10000 --sections import --keep``) instead of an empty one.

Upload: a 50-page corpus filing sent to POST /api/documents (extraction, indexing and the first
page's thumbnail happen before the 201), then its thumbnail, then every page's 200 px image as
the reader's strip asks for them (two at a time, as a browser on 2 cores would get them).
Beside it, in this process, the baseline: drawing the same first page at 200 px alone
(indexer/pages/render.py), so the table shows what of the wait is the thumbnail itself.
Reader: the corpus's longest PDF (391 pages) uploaded the same way; the bytes of the HTML of
/documents/<id>/pages/1 and of /documents/<id> (the whole text, for comparison); and the 95th
percentile of a reader page view of the 50-page filing with its images drawn.
"""
from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .http_load import HOST, Client, Server
from .procs import dossier_cmd

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FIFTY_PAGES = CORPUS / "pdf/filings/xray__gov.uscourts.cacd.645219.282.1.pdf"
LONGEST = CORPUS / "pdf/filings/xray__gov.uscourts.cand.306945.1244.0.pdf"
STRIP_CLIENTS = 2
# Uploaded first, two at a time, in a "warm" round: each server worker then has its extraction and
# render workers started, as on a server that has been running, rather than paying their start.
WARM_UPS = [CORPUS / "pdf/filings" / name for name in
            ("doctor__ca2_1-1.pdf", "doctor__ca6_1-3.pdf", "doctor__ca8_.pdf", "doctor__cafc_3.pdf")]


def token_for(data: Path) -> str:
    subprocess.run(dossier_cmd(data, "user", "add", "bench", "--password-stdin"), input="bench password\n",
                   text=True, check=True, capture_output=True)
    made = subprocess.run(dossier_cmd(data, "token", "create", "bench"), text=True, check=True, capture_output=True)
    return made.stdout.strip().split()[-1]


def upload(port: int, token: str, pdf: Path) -> tuple[float, str]:
    """(seconds until the 201, the new document's id)."""
    boundary = uuid.uuid4().hex
    body = b"".join([
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfiling\r\n'.encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{pdf.name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode(), pdf.read_bytes(), f"\r\n--{boundary}--\r\n".encode()])
    conn = http.client.HTTPConnection(HOST, port, timeout=600)
    started = time.perf_counter()
    conn.request("POST", "/api/documents", body, {"Authorization": f"Bearer {token}",
                                                  "Content-Type": f"multipart/form-data; boundary={boundary}"})
    answer = conn.getresponse()
    payload = answer.read()
    seconds = time.perf_counter() - started
    if answer.status != 201:
        raise RuntimeError(f"upload answered {answer.status}: {payload[:300]!r}")
    return seconds, json.loads(payload)["id"]


def fetch_ok(client: Client, path: str) -> None:
    status, _ = client.get(path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")


def strip(port: int, doc_id: str, pages: int) -> None:
    own = threading.local()          # one connection per thread: a connection is not shared

    def get(n: int) -> None:
        if not hasattr(own, "client"):
            own.client = Client(port)
        fetch_ok(own.client, f"/documents/{doc_id}/pages/{n}.webp?width=200")
    with ThreadPoolExecutor(STRIP_CLIENTS) as pool:
        list(pool.map(get, range(1, pages + 1)))


def one_round(work: Path, number: int, warm: bool, start_from: Path | None) -> dict:
    data = work / f"round-{number}-{'warm' if warm else 'cold'}"
    shutil.rmtree(data, ignore_errors=True)
    if start_from is not None:
        shutil.copytree(start_from, data)
    token = token_for(data)
    server = Server(data, 2, work / f"serve-{number}.log")
    try:
        if warm:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda pdf: upload(server.port, token, pdf), WARM_UPS))
        started = time.perf_counter()
        acknowledged, doc_id = upload(server.port, token, FIFTY_PAGES)
        fetch_ok(Client(server.port), f"/documents/{doc_id}/thumbnail.webp")
        thumbnail = time.perf_counter() - started
        strip(server.port, doc_id, 50)
        every_page = time.perf_counter() - started
        out = {"acknowledged": acknowledged, "thumbnail": thumbnail, "all_50": every_page,
               "reader_p95": reader_p95(server.port, doc_id, 50)}
        if number == 1 and not warm and start_from is None:
            out.update(reader_html(server.port, token))
        return out
    finally:
        server.stop()


def reader_p95(port: int, doc_id: str, pages: int) -> float:
    """The 95th percentile of a reader page view (HTML) once its page image is drawn: every page
    viewed once to draw it, then timed on a second pass, one client."""
    client = Client(port)
    for n in range(1, pages + 1):
        fetch_ok(client, f"/documents/{doc_id}/pages/{n}")
    times = []
    for n in range(1, pages + 1):
        started = time.perf_counter()
        fetch_ok(client, f"/documents/{doc_id}/pages/{n}")
        times.append(time.perf_counter() - started)
    return statistics.quantiles(times, n=20)[-1]


def reader_html(port: int, token: str) -> dict:
    _, doc_id = upload(port, token, LONGEST)
    client = Client(port)
    started = time.perf_counter()
    status, reader = client.get(f"/documents/{doc_id}/pages/1")
    first_view = time.perf_counter() - started
    _, whole = client.get(f"/documents/{doc_id}")
    if status != 200:
        raise RuntimeError(f"reader answered {status}")
    return {"reader_bytes": len(reader), "reader_first_view_s": first_view, "document_page_bytes": len(whole)}


def render_alone() -> float:
    from dossier.indexer.pages.render import render_pdf_page

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        assert render_pdf_page(FIFTY_PAGES, 1, 200, f"{folder}/1.webp").ok
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/see-bench"))
    parser.add_argument("--data", type=Path, default=None, help="start each round from a copy of this data folder")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rounds: dict[str, list[dict]] = {"cold": [], "warm": []}
    for number in range(1, args.rounds + 1):
        for kind in rounds:           # alternately: a fresh server's first upload, and one after warm-ups
            rounds[kind].append(one_round(args.work, number, kind == "warm", args.data))
            rounds[kind][-1]["render_alone"] = render_alone()
            print(f"round {number} {kind}: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                                         for k, v in rounds[kind][-1].items()), flush=True)
    for kind, done in rounds.items():
        for key in ("acknowledged", "thumbnail", "all_50", "reader_p95", "render_alone"):
            values = [r[key] for r in done]
            print(f"{kind} {key}: median {statistics.median(values):.2f} s "
                  f"(min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()

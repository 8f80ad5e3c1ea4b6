"""`dossier import` of the real PDFs against single-process pypdf, in alternating pairs.

    python -m bench.pdf_import [--pairs 5] [--out bench/out]

Each pair extracts every real PDF of the corpus with pypdf in this process, then
imports them all (`dossier import FOLDER`, a fresh data folder) and prints the
ratio of the two times. Alternating, and taking the median, keeps the ratio
honest on a shared machine whose speed drifts by 10-20% over minutes.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from .baselines import extraction
from .procs import ROOT, dossier_cmd


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_pair(pdfs: list[Path], folder: Path, data: Path) -> dict:
    pypdf = extraction.run(pdfs)["pypdf"]
    shutil.rmtree(data, ignore_errors=True)
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(dossier_cmd(data, "import", str(folder)), check=True, capture_output=True)
    seconds = time.perf_counter() - start
    return {"pypdf_s": pypdf["seconds"], "pages": pypdf["pages"], "import_s": seconds,
            "import_cpu_s": _children_cpu() - cpu, "ratio": pypdf["seconds"] / seconds}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pdf_import", description=__doc__.splitlines()[0])
    p.add_argument("--pairs", type=int, default=5)
    p.add_argument("--out", default=str(ROOT / "bench" / "out"))
    args = p.parse_args(argv)
    pdfs = extraction.files()
    work = Path(args.out) / "pdf-import"
    folder = work / "pdfs"
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True)
    for pdf in pdfs:
        (folder / pdf.name).symlink_to(pdf)
    pairs = []
    print("| pair | pypdf 1 process s | `dossier import` s | × pypdf | import CPU s | load |")
    print("|---|---|---|---|---|---|")
    for n in range(1, args.pairs + 1):
        r = one_pair(pdfs, folder, work / "data")
        pairs.append(r)
        print(f"| {n} | {r['pypdf_s']:.2f} | {r['import_s']:.2f} | {r['ratio']:.2f} | "
              f"{r['import_cpu_s']:.1f} | {os.getloadavg()[0]:.1f} |", flush=True)
    ratios = [r["ratio"] for r in pairs]
    print(f"\n{len(pdfs)} PDFs, {pairs[0]['pages']} pages: median {statistics.median(ratios):.2f}x "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f})")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

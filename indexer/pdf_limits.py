"""Pages PDFium must not be asked to load: PDFium inflates a page's whole content stream into
memory just to open the page (a 1 MB flate bomb took a worker to 820-940 MB), so pypdf reads
each page's content first, under its 75 MB decompression limit, and pages past it are left alone."""
from __future__ import annotations

from pathlib import Path

import pypdf


def oversized_pages(path: str | Path, pages: range | None = None) -> set[int]:
    """0-based numbers of the pages (of ``pages``, default all) whose content inflates past
    pypdf's limit. A page pypdf cannot read for another reason is PDFium's to judge."""
    oversized: set[int] = set()
    try:
        reader = pypdf.PdfReader(str(path))
        for index in pages if pages is not None else range(len(reader.pages)):
            try:
                contents = reader.pages[index].get_contents()
                if contents is not None:
                    contents.get_data()
            except pypdf.errors.LimitReachedError:
                oversized.add(index)
            except Exception:
                continue
    except Exception:
        return oversized
    return oversized

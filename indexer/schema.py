"""The Whoosh schema of the search index.

One Whoosh document per repository document (``type=doc``: metadata, full text,
facet columns, sort keys; for a PDF also where each page starts in the text and
the page texts, see ``indexer.paged``) and one per indexing batch
(``type=vocab``: the batch's unstemmed words, for spelling suggestions). Facets use ONE name
everywhere: the Whoosh field, the filter name and the key in ``facets``.

Bump SCHEMA_VERSION whenever anything here (or the way documents are turned
into fields in ``indexer.index``) changes: opening an index written with another
version recreates it empty and sets ``Index.needs_rebuild``.
"""
from __future__ import annotations

import functools
import re

from whoosh import analysis, columns, fields, formats
from whoosh.support.charset import accent_map

from .paged import PagedTextField

SCHEMA_VERSION = 6

FACETS = ("kind", "year", "office", "topic", "court", "case_number", "doc_type", "person", "place", "language")
MULTI_VALUED_FACETS = frozenset({"topic", "person", "place"})

# Separates the values of a multi-valued facet in its column. Stripped from values.
VALUE_SEP = "\x1f"

DOC, VOCAB = "doc", "vocab"

# Text fields searched when a query names no field, with their boosts.
# text_es: a Spanish document's title and text again, with Spanish stems and stop words
# (an English query word finds nothing there; a Spanish one finds its other forms).
DEFAULT_FIELDS = ("title", "text", "meta", "text_es")
FIELD_BOOSTS = {"title": 2.5, "text": 1.0, "meta": 1.0, "text_es": 1.0}
TEXT_FIELDS = frozenset(DEFAULT_FIELDS)

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]+")


def normalize_value(value: str) -> str:
    """The form a facet value is indexed and filtered under: case-folded,
    whitespace collapsed, control characters removed."""
    return " ".join(_CONTROL_RE.sub(" ", value).split()).lower()


def clean_value(value: str) -> str:
    """A facet value as given, minus control characters and surrounding space."""
    return " ".join(_CONTROL_RE.sub(" ", value).split())


# 1:18-cv-00428-RB  ->  division 1, year 18, type cv, number 00428, judge suffix -rb
_CASE_RE = re.compile(r"^(?:(\d{1,2}):)?(\d{2}|\d{4})-([a-z]{1,5})-(\d{1,7})((?:-[a-z0-9]{1,6})*)$")


def case_number_variants(value: str) -> set[str]:
    """Normalised forms a case number can be looked up by: as given, without the
    division prefix, without the judge suffix, and with the number unpadded."""
    norm = normalize_value(value)
    out = {norm} if norm else set()
    m = _CASE_RE.match(norm.replace(" ", ""))
    if m:
        division, year, ctype, number, suffix = m.groups()
        for num in {number, str(int(number))}:
            core = f"{year}-{ctype}-{num}"
            out.add(core)
            out.add(core + suffix)
            if division:
                out.add(f"{division}:{core}")
                out.add(f"{division}:{core}{suffix}")
    return out


# Main text and titles: words, lower-cased, accents folded, English stop words
# dropped (single letters and digits are kept), Snowball-English (Porter2)
# stemmed: unlike Whoosh's default Porter it maps separating/separated/separation
# to one stem.
def text_analyzer():
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StopFilter(minsize=1)
        | analysis.StemFilter(lang="en")
    )


class _SpanishAccents(analysis.Filter):
    """-cion/-sion typed without the accent, as -ción/-sión: the Spanish stemmer only knows the
    accented endings (so `inmigracion` and `inmigración` meet at one stem)."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text.endswith(("cion", "sion")):
                t.text = t.text[:-2] + "ón"
            elif t.text.endswith(("ciones", "siones")):
                t.text = t.text[:-4] + "ones"
            yield t


def spanish_analyzer():
    """Spanish stems and stop words, accents folded after stemming (the stemmer needs them)."""
    from whoosh.lang import stopwords_for_language
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.StopFilter(stoplist=stopwords_for_language("es"), minsize=1)
        | _SpanishAccents()
        | analysis.StemFilter(lang="es")
        | analysis.CharsetFilter(accent_map)
    )


@functools.cache
def marking_analyzers(spanish: bool = False) -> tuple:
    """What a snippet's words are analysed with to find the query's terms in them: English, and
    for a Spanish document Spanish too (it may match through text_es alone); never Spanish for
    an English one, whose "plead" would otherwise be marked for "please" (both stem to "ple").
    Built once per process: an index's schema is unpickled anew by every snapshot (and every
    ``Index.schema`` read), which would defeat the per-word memo in ``analysis.analysed``."""
    return (text_analyzer(), spanish_analyzer()) if spanish else (text_analyzer(),)


def is_spanish(reader, docnum: int) -> bool:
    return bool(reader.doc_field_length(docnum, "text_es", 0))


# Whole words for "did you mean": lower-cased, NOT stemmed, NOT accent-folded
# (suggestions are shown to people as real words).
def words_analyzer():
    return analysis.RegexTokenizer() | analysis.LowercaseFilter() | analysis.StopFilter(minsize=2)


def facet_analyzer():
    # What a query against a facet field (`office:"U.S. Attorney"`) is turned into:
    # the whole value as one normalised term (mirrors normalize_value).
    return (
        analysis.IDTokenizer()
        | analysis.SubstitutionFilter(r"[\x00-\x1f\x7f\s]+", " ")
        | analysis.SubstitutionFilter(r"^ | $", "")
        | analysis.LowercaseFilter()
    )


class FacetField(fields.FieldType):
    """A facet: filterable by exact (normalised) value, counted from a column.

    Takes a string or a sequence of strings (the values as given). Each value is
    indexed as one normalised term; the column keeps the values as given, joined
    by VALUE_SEP, so facet counts can show the original spelling.
    """

    def __init__(self, stored: bool = False):
        super().__init__(
            formats.Existence(),
            facet_analyzer(),
            stored=stored,
            sortable=columns.VarBytesColumn(),
        )

    @staticmethod
    def _values(value) -> list[str]:
        values = [value] if isinstance(value, str) else list(value)
        return [v for v in (clean_value(v) for v in values) if v]

    def terms(self, value: str) -> set[str]:
        norm = normalize_value(value)
        return {norm} if norm else set()

    def index(self, value, **kwargs):
        terms: set[str] = set()
        for v in self._values(value):
            terms |= self.terms(v)
        for t in sorted(terms):
            yield t.encode("utf-8"), 1, 1.0, b""

    def to_column_value(self, value) -> bytes:
        return VALUE_SEP.join(self._values(value)).encode("utf-8")

    def from_column_value(self, value: bytes) -> tuple[str, ...]:
        return tuple(value.decode("utf-8").split(VALUE_SEP)) if value else ()


class CaseNumberField(FacetField):
    """A facet whose values are also indexed under their short forms, so the
    filter `18-cv-00428` matches `1:18-cv-00428-RB`."""

    def terms(self, value: str) -> set[str]:
        return case_number_variants(value)


def build_schema() -> fields.Schema:
    facet_fields = {name: FacetField() for name in FACETS}
    # Stored: what a result shows (a filing's court, case number and type with its title).
    for name in ("kind", "office", "court", "doc_type"):
        facet_fields[name] = FacetField(stored=True)
    facet_fields["case_number"] = CaseNumberField(stored=True)
    text = dict(analyzer=text_analyzer(), multitoken_query="phrase")
    return fields.Schema(
        type=fields.ID(),
        # The repository document id.
        id=fields.ID(stored=True, sortable=True),
        page_count=fields.STORED(),
        # The publication state (stored: staff see it on results), and 1 when the public may
        # see the document: searches for the public count and show only those.
        state=fields.STORED(),
        publish_at=fields.STORED(),
        public=fields.COLUMN(columns.NumericColumn("B", default=0)),
        title=fields.TEXT(stored=True, **text),
        # doc only: full text (stored: the first STORED_TEXT_CHARS, for snippets)
        text=PagedTextField(stored=True, **text),
        # PDFs only: the position in "text" each page starts at (indexer.paged),
        # and the page texts (JSON list, for the snippet of the best page)
        page_starts=fields.STORED(),
        page_texts=fields.COLUMN(columns.CompressedBytesColumn()),
        # doc only: metadata as searchable words (people, places, case number...)
        meta=fields.TEXT(**text),
        # doc only, Spanish documents only: title and text with Spanish analysis
        text_es=fields.TEXT(analyzer=spanish_analyzer(), multitoken_query="phrase"),
        # vocab only (one per indexing batch): whole words for "did you mean"
        words=fields.TEXT(analyzer=words_analyzer(), phrase=False),
        date=fields.DATETIME(stored=True),
        # sort keys: yyyymmdd (0 when undated) and added_at in microseconds
        date_num=fields.COLUMN(columns.NumericColumn("I", default=0)),
        added_num=fields.COLUMN(columns.NumericColumn("q", default=0)),
        **facet_fields,
    )

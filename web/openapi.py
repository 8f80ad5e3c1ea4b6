"""The API's OpenAPI 3.1 description, generated from the code that serves it.

Paths, methods and path parameters come from the app's URL rules under /api; each operation's
summary, parameters, body and responses are the YAML after ``---`` in its view's docstring
(web/api.py); the shared schemas below are built from the core's own constants (facets, sorts,
kinds, states, limits), so the description cannot drift from what the code accepts.
tests/web/test_openapi.py runs schemathesis against it.
"""
from __future__ import annotations

import copy
import re
from importlib.metadata import PackageNotFoundError, version

from apispec import APISpec
from apispec.yaml_utils import load_operations_from_docstring
from flask import Flask

from dossier.core import EDITABLE_FIELDS, FACETS, KINDS, LINK_TYPES, LIST_FIELDS, MAX_PER_PAGE, PAGE_WIDTHS, \
    REJECTION_CODES, SORTS, STATES, TEXT_STATUSES

PREFIX = "/api/"
METHODS = ("get", "post", "patch", "delete")
_PATH_ARG = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")
# A path argument's schema by its URL converter (Flask's int takes 0 and up).
_CONVERTER_SCHEMA = {"int": {"type": "integer", "minimum": 0}}

_NULLABLE_STRING = {"type": ["string", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string", "description": "Stable, machine-readable: " + ", ".join(
                ["bad_request", "bad_query", "invalid_metadata", "invalid_link", "unauthorized", "invalid_token",
                 "forbidden", "not_found", "conflict", "redaction_findings", "withdrawn", "rate_limited",
                 *REJECTION_CODES])},
            "message": {"type": "string", "description": "In plain words, for a person."},
            "field": {"type": "string", "description": "The field at fault, where there is one."},
            "part": {"type": "integer", "description": "Refused uploads: 0 the document, 1.. its attachments."},
            "filename": {"type": "string"},
        },
    }},
}

DOCUMENT = {
    "type": "object",
    "required": ["id", "kind", "title", "sha256", "size", "mime", "state"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "title": {"type": "string"},
        "date": {**_NULLABLE_STRING, "description": "The document's own date, YYYY-MM-DD."},
        "added_at": {"type": "string", "description": "ISO 8601, UTC."},
        "office": _NULLABLE_STRING,
        **{name: _STRINGS for name in LIST_FIELDS},
        "court": _NULLABLE_STRING,
        "case_number": _NULLABLE_STRING,
        "doc_type": _NULLABLE_STRING,
        "filename": {"type": "string", "description": "As uploaded; never used as a path."},
        "mime": {"type": "string", "description": "Sniffed from the bytes."},
        "size": {"type": "integer"},
        "sha256": {"type": "string"},
        "page_count": {"type": ["integer", "null"]},
        "text_status": {"enum": [*TEXT_STATUSES, None]},
        "text_error": _NULLABLE_STRING,
        "state": {"enum": list(STATES)},
        "publish_at": _NULLABLE_STRING,
        "published_at": _NULLABLE_STRING,
        "withdrawn_at": _NULLABLE_STRING,
        "withdrawn_reason": _NULLABLE_STRING,
        "redaction_findings": {"type": ["array", "null"], "description": "Staff only: text under black boxes.",
                               "items": {"type": "object", "properties": {"page": {"type": "integer"},
                                                                          "text": {"type": "string"}}}},
        "links": {"$ref": "#/components/schemas/Links"},
        "url": {"type": "string", "description": "The document's page."},
        "download_url": {"type": "string", "description": "The original, byte for byte."},
    },
}

LINKED = {"type": "object", "required": ["id", "kind", "title"],
          "properties": {"id": {"type": "string"}, "kind": {"enum": list(KINDS)}, "title": {"type": "string"},
                         "url": {"type": "string"}}}

LINKS = {"type": "object",
         "properties": {name: {"type": "array", "items": {"$ref": "#/components/schemas/LinkedDocument"}}
                        for name in ("attachments", "attached_to", "related")}}

HIT = {"type": "object", "required": ["id", "kind", "title", "snippet", "pages"],
       "properties": {"id": {"type": "string"}, "kind": {"enum": list(KINDS)}, "title": {"type": "string"},
                      "date": _NULLABLE_STRING, "office": _NULLABLE_STRING,
                      "snippet": {"type": "string", "description": "HTML: escaped text, matches in <mark>."},
                      "pages": {"type": "array", "items": {"type": "integer"},
                                "description": "The PDF pages (from 1) the query matches."},
                      "state": {"enum": list(STATES)}, "url": {"type": "string"},
                      "download_url": {"type": "string"}}}

SEARCH_RESULT = {
    "type": "object",
    "required": ["query", "total", "page", "per_page", "hits", "facets"],
    "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        "facets": {"type": "object", "properties": {name: {"type": "array", "items": {
            "type": "object", "properties": {"value": {"type": "string"}, "count": {"type": "integer"}}}}
            for name in FACETS}},
        "suggestion": {**_NULLABLE_STRING, "description": '"Did you mean": a query with a word corrected.'},
        "read_as": {**_NULLABLE_STRING, "description": "The query as mended before it was read (null: as typed)."},
        "repairs": {"type": "array", "items": {"type": "string"}, "description": "What was mended, in words."},
        "corrected_from": {**_NULLABLE_STRING, "description": "Nothing matched this, as typed: these are the "
                                                              "results of its correction (`query`)."},
    },
}

_CHANGE = {"type": "object", "properties": {"stored": {}, "sent": {}}}
ADDED = {"allOf": [{"$ref": "#/components/schemas/Document"}, {"type": "object", "properties": {
    "duplicate": {"type": "boolean", "description": "The bytes were already stored: nothing changed but links."},
    "differences": {"type": "object", "additionalProperties": _CHANGE,
                    "description": "Details sent that differ from the stored ones (not applied: PATCH them)."},
    "publication_held": {"type": "string", "description": "Why it was kept as a draft (a bad redaction)."},
    "attachments": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "string"}, "duplicate": {"type": "boolean"},
        "differences": {"type": "object", "additionalProperties": _CHANGE}}}},
}}]}

METADATA = {"type": "object", "additionalProperties": False, "properties": {
    **{name: _STRINGS if name in LIST_FIELDS else _NULLABLE_STRING for name in EDITABLE_FIELDS},
    "kind": {"enum": list(KINDS)},
    "date": {"type": ["string", "null"], "format": "date"},
}}

UPLOAD = {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary",
             "description": "The document (.pdf, .txt, .html, .docx, an image); or send `text`."},
    "text": {"type": "string", "description": "A release typed in, instead of `file`."},
    "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
    "attachments_meta": {"type": "string", "description": "A JSON array of metadata objects, one per attachment."},
    "attach_ids": {"type": "string", "description": "Documents already stored to attach (ids, comma-separated)."},
    "state": {"enum": ["published", "draft", "scheduled"]},
    "publish_at": {"type": "string", "format": "date-time",
                   "description": "ISO 8601; without an offset, the office's time zone."},
    "override": {"type": "string", "description": "Publish despite redaction findings: why (publishers)."},
    **{name: _STRINGS if name in LIST_FIELDS else {"type": "string"} for name in EDITABLE_FIELDS},
    "kind": {"enum": list(KINDS)},
    "date": {"type": "string", "format": "date"},
}}

PAGE = {
    "type": "object",
    "required": ["page", "page_count", "text", "image_urls", "words"],
    "properties": {
        "page": {"type": "integer", "minimum": 1},
        "page_count": {"type": "integer", "minimum": 1},
        "text": {"type": "string", "description": "The page's extracted text (searchable, selectable)."},
        "image_urls": {"type": "object", "description": "The page image (WebP) by width in pixels: "
                       + ", ".join(map(str, PAGE_WIDTHS)) + "; empty for a document without page images.",
                       "additionalProperties": {"type": "string"}},
        "reader_url": {"type": "string", "description": "The page in the reader."},
        "words": {"type": "array", "description": "The words of the page's text layer, each with its box as "
                  "fractions of the page: left, top, right, bottom from the top-left corner.",
                  "items": {"type": "object", "required": ["text", "box"], "properties": {
                      "text": {"type": "string"},
                      "box": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}}}},
    },
}

SCHEMAS = {"Error": ERROR, "Document": DOCUMENT, "LinkedDocument": LINKED, "Links": LINKS, "Hit": HIT,
           "SearchResult": SEARCH_RESULT, "Added": ADDED, "Metadata": METADATA, "Upload": UPLOAD, "Page": PAGE}

SEARCH_PARAMETERS = [
    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 2000},
     "description": 'Words, "phrases", AND/OR/NOT, field:value, prefix*, ~ for typos (README, "Query syntax").'},
    {"name": "sort", "in": "query", "schema": {"enum": list(SORTS)}},
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "YYYY-MM-DD."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "YYYY-MM-DD."},
    {"name": "as_typed", "in": "query", "schema": {"enum": ["1"]},
     "description": "1: when nothing matches, do not answer with the correction's results."},
    *({"name": name, "in": "query", "schema": _STRINGS, "style": "form", "explode": True,
       "description": f"Only documents with this {name.replace('_', ' ')} (repeat for any of several)."}
      for name in FACETS),
]

ERROR_RESPONSES = {
    "BadRequest": "The request is not one this API can take (see the error's message).",
    "Unauthorized": "No API token, or one that is not valid.",
    "Forbidden": "The token's user may not do this (their role).",
    "NotFound": "No such document (or not one this caller may see).",
    "Conflict": "The document's state does not allow it (see the error's code).",
    "Gone": "The document was withdrawn: the error says when and why.",
    "TooLarge": "The upload is larger than this site accepts.",
    "Unsupported": "The file's type is not accepted, or its contents do not match its name.",
    "TooManyRequests": "Too many requests with a bad token; see Retry-After.",
}


def describe(app: Flask) -> dict:
    """The whole description, cached per app (the routes do not change while it runs)."""
    cached = app.extensions.get("dossier.openapi")
    if cached is None:
        cached = app.extensions["dossier.openapi"] = _build(app)
    return copy.deepcopy(cached)


def _build(app: Flask) -> dict:
    spec = APISpec(
        title="Dossier API", version=_version(), openapi_version="3.1.0",
        info={"description": "Search and read press releases and the filings they attach; with an API token, "
                             "upload, edit, link, publish and withdraw. Errors are JSON: "
                             '{"error": {"code", "message"}}, with stable codes.'},
        servers=[{"url": "/"}])
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer",
                                              "description": "An API token: `dossier token create NAME`."})
    for name, schema in SCHEMAS.items():
        spec.components.schema(name, schema)
    for name in ERROR_RESPONSES:
        spec.components.response(name, {"description": ERROR_RESPONSES[name], "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(PREFIX) and rule.endpoint not in ("api.openapi", "api.overview"):
            _add_rule(spec, rule, app.view_functions[rule.endpoint])
    return spec.to_dict()


# Query parameters read by shared code (web/views/query.py), not spelled out in each docstring.
QUERY_PARAMETERS = {"api.search": SEARCH_PARAMETERS}


def _add_rule(spec: APISpec, rule, view) -> None:
    operations = load_operations_from_docstring(view.__doc__ or "")
    if rule.endpoint in QUERY_PARAMETERS:
        operations["get"]["parameters"] = QUERY_PARAMETERS[rule.endpoint] + operations["get"].get("parameters", [])
    methods = [m for m in METHODS if m.upper() in rule.methods]
    missing = [m for m in methods if m not in operations]
    if missing:
        raise LookupError(f"{rule.endpoint} ({rule.rule}) has no description for {', '.join(missing)}")
    prose = " ".join((view.__doc__ or "").split("---")[0].split()).replace("``", "`")   # reST to Markdown
    for method in methods:
        operations[method].setdefault("description", prose)
        _common_answers(operations[method], method, getattr(view, "needs_token", False))
    path = _PATH_ARG.sub(r"{\2}", rule.rule)
    params = [{"name": arg, "in": "path", "required": True,
               "schema": _CONVERTER_SCHEMA.get(converter, {"type": "string"})}
              for converter, arg in _PATH_ARG.findall(rule.rule)]
    spec.path(path=path, operations={m: operations[m] for m in methods}, parameters=params)


def _common_answers(operation: dict, method: str, needs_token: bool) -> None:
    """What every operation may answer, from how it is served: any request may carry a token (a
    bad one is a 401, too many a 429); one that needs a token says so and may be refused (403: a
    browser session, or beyond the token user's role), and a write may be malformed (400)."""
    shared = {"401": "Unauthorized", "429": "TooManyRequests"}
    if needs_token:
        operation.setdefault("security", [{"token": []}])
        shared["403"] = "Forbidden"
        if method in ("post", "patch", "delete"):
            shared["400"] = "BadRequest"
    responses = {str(status): answer for status, answer in operation.get("responses", {}).items()}
    for status, name in shared.items():
        responses.setdefault(status, {"$ref": f"#/components/responses/{name}"})
    operation["responses"] = dict(sorted(responses.items()))


def _version() -> str:
    try:
        return version("dossier")
    except PackageNotFoundError:
        return "0"

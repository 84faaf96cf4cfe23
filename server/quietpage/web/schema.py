"""The request contract, written once. Each JSON body (and each list's query) is a `Body` or a
`Query` of fields; handlers check requests with it (`check`), and /api/openapi.json is generated
from it (`openapi`). A limit is a number or the name of a Settings field, so a changed setting
changes what is checked and what is described alike. Messages and codes come from validate.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import anchoring, selectors
from ..errors import Invalid
from ..library import COLORS, LIBRARY_STATES, LIST_STATES, NOTEBOOK_SORTS, SORTS, STATES
from ..settings import Settings
from . import validate as v

Limit = int | str  # a number, or the name of the Settings field that holds it
_NONE = object()


def limit(value: Limit, s: Settings) -> int:
    return getattr(s, value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- body fields
@dataclass(frozen=True)
class Field:
    name: str
    required: bool = False
    default: Any = _NONE  # what an absent optional field reads as (absent: left out)

    def check(self, value, s: Settings):
        return value

    def schema(self, s: Settings) -> dict:
        return {}


@dataclass(frozen=True)
class Text(Field):
    max_chars: Limit = 0
    allow_empty: bool = False

    def check(self, value, s):
        return v.string({self.name: value}, self.name, max_chars=limit(self.max_chars, s), allow_empty=self.allow_empty)

    def schema(self, s):
        return {"type": "string", "maxLength": limit(self.max_chars, s), **({} if self.allow_empty else {"minLength": 1})}


@dataclass(frozen=True)
class PageUrl(Text):
    def check(self, value, s):
        return v.page_url(super().check(value, s), f"The field '{self.name}'", max_chars=limit(self.max_chars, s))

    def schema(self, s):
        return {**super().schema(s), "format": "uri"}


@dataclass(frozen=True)
class Flag(Field):
    def check(self, value, s):
        return v.boolean({self.name: value}, self.name)

    def schema(self, s):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Number(Field):
    lo: float = 0.0
    hi: float = 1.0

    def check(self, value, s):
        return v.number({self.name: value}, self.name, lo=self.lo, hi=self.hi)

    def schema(self, s):
        return {"type": "number", "minimum": self.lo, "maximum": self.hi}


@dataclass(frozen=True)
class OneOf(Field):
    options: tuple[str, ...] = ()

    def check(self, value, s):
        return v.choice({self.name: value}, self.name, self.options)

    def schema(self, s):
        return {"enum": list(self.options)}


@dataclass(frozen=True)
class TagName(Field):
    def check(self, value, s):
        return v.tag_name(value, f"The field '{self.name}'", max_chars=s.max_tag_chars)

    def schema(self, s):
        return {"type": "string", "maxLength": s.max_tag_chars}


@dataclass(frozen=True)
class TagNames(Field):
    """A list of tag names, or of tag objects as the API returns them ({name, ...})."""

    def check(self, value, s):
        if not isinstance(value, list):
            raise Invalid(f"The field '{self.name}' must be an array of names, not {v.type_name(value)}.")
        if len(value) > s.max_tags:
            raise Invalid(f"Too many tags ({len(value)}; at most {s.max_tags}).", code="too_many")
        return [v.tag_name(item.get("name") if isinstance(item, dict) else item, "A tag", max_chars=s.max_tag_chars)
                for item in value]

    def schema(self, s):
        name = {"type": "string", "maxLength": s.max_tag_chars}
        return {"type": "array", "maxItems": s.max_tags, "items": {"oneOf": [
            name, {"type": "object", "required": ["name"], "properties": {"name": name}}]}}


@dataclass(frozen=True)
class Ids(Field):
    max_items: int = 100_000

    def check(self, value, s):
        if not isinstance(value, list) or len(value) > self.max_items or not all(isinstance(i, str) for i in value):
            raise Invalid(f"The field '{self.name}' must be an array of article ids (at most {self.max_items}).")
        return value

    def schema(self, s):
        return {"type": "array", "maxItems": self.max_items, "items": {"type": "string"}}


@dataclass(frozen=True)
class Selectors(Field):
    """W3C Web Annotation selectors over the article's text (the rules: ../selectors.py)."""

    def check(self, value, s):
        try:
            return selectors.checked(value, max_quote=s.max_quote_chars, max_selectors=s.max_selectors)
        except selectors.SelectorProblem as exc:
            raise Invalid(f"The field '{self.name}' {exc.problem}.", code=exc.code) from None

    def schema(self, s):
        context = {"type": "string", "maxLength": selectors.CONTEXT_CHARS}
        quote = _object(("type", "exact"), type={"enum": [anchoring.QUOTE]},
                        exact={"type": "string", "minLength": 1, "maxLength": s.max_quote_chars},
                        prefix=context, suffix=context)
        position = _object(("type", "start", "end"), type={"enum": [anchoring.POSITION]},
                           start={"type": "integer", "minimum": 0}, end={"type": "integer", "minimum": 1})
        return {"type": "array", "minItems": 1, "maxItems": s.max_selectors, "items": {"oneOf": [quote, position]}}


def _object(required: tuple[str, ...], **props: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": props, "additionalProperties": False}


# --------------------------------------------------------------------------- bodies
@dataclass(frozen=True)
class Body:
    name: str  # its name under components/schemas
    fields: tuple[Field, ...]
    nonempty: str | None = None  # a patch: the message when it changes nothing

    def check(self, body: dict, s: Settings) -> dict:
        """The body's fields, checked: those sent (None counts as absent), defaults for the
        optional ones that have one. Unknown fields are refused."""
        v.only(body, {f.name for f in self.fields})
        if self.nonempty and not body:
            raise Invalid(self.nonempty, code="empty_patch")
        out = {}
        for f in self.fields:
            value = body.get(f.name)
            if value is not None:
                out[f.name] = f.check(value, s)
            elif f.required:
                raise Invalid(f"The field '{f.name}' is required.", code="missing_field")
            elif f.default is not _NONE:
                out[f.name] = f.default
        return out

    def openapi(self, s: Settings) -> dict:
        return _object(tuple(f.name for f in self.fields if f.required),
                       **{f.name: f.schema(s) for f in self.fields})


PAGE = Body("Page", (PageUrl("url", required=True, max_chars="max_url_chars"),
                     Text("html", required=True, max_chars="max_html_chars"),
                     Text("title", max_chars=2000, allow_empty=True)))
NEW_HIGHLIGHT = Body("NewHighlight", (Selectors("selectors", required=True),
                                      OneOf("color", default="yellow", options=COLORS),
                                      Text("note", default="", max_chars="max_note_chars", allow_empty=True)))
HIGHLIGHT_PATCH = Body("HighlightPatch", (OneOf("color", options=COLORS),
                                          Text("note", max_chars="max_note_chars", allow_empty=True)),
                       nonempty="Nothing to change: send 'color' or 'note'.")
ARTICLE_PATCH = Body("ArticlePatch", (TagNames("tags"), OneOf("state", options=STATES), Flag("favorite"),
                                      Number("progress", lo=0.0, hi=1.0)),
                     nonempty="Nothing to change: send one of favorite, progress, state, tags.")
PAIR = Body("Pair", (Text("code", required=True, max_chars=40),))
LOGIN_LINK = Body("LoginLink", (Text("next", max_chars=2000),))
DOWNLOAD_LINK = Body("DownloadLink", (Text("path", required=True, max_chars=2000),))
TAG_RENAME = Body("TagRename", (TagName("to", required=True),))
TAG_UNDO = Body("TagUndo", (Text("undo", required=True, max_chars=100),))
PREFERENCES = Body("Preferences", (Flag("auto_apply_tags", required=True),))
FETCH = Body("Fetch", (Ids("ids"),))
IMAGE_JOB = Body("ImageJob", (Flag("retry_failed"),))
BODIES = (PAGE, NEW_HIGHLIGHT, HIGHLIGHT_PATCH, ARTICLE_PATCH, PAIR, LOGIN_LINK, DOWNLOAD_LINK, TAG_RENAME, TAG_UNDO,
          PREFERENCES, FETCH, IMAGE_JOB)


# --------------------------------------------------------------------------- query parameters
@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "text"  # text | flag | choice | int | ids (repeated: ?id=a&id=b)
    max_chars: Limit = 0
    options: tuple[str, ...] = ()
    lo: int = 0
    hi: Limit = 0
    default: Any = None
    required: bool = False

    def check(self, raw: str | None, s: Settings):
        if self.kind == "flag":
            value = (raw or "false").lower()
            if value not in ("true", "false", "1", "0", ""):
                raise Invalid(f"The parameter '{self.name}' must be true or false.")
            return value in ("true", "1")
        if self.kind == "choice":
            return v.choice_param(raw, self.name, self.options, default=self.default)
        if self.kind == "int":
            return v.int_param(raw, self.name, default=limit(self.default, s), lo=self.lo, hi=limit(self.hi, s))
        if self.kind == "ids":
            if len(raw) > limit(self.hi, s) or not all(0 < len(i) <= 64 for i in raw):
                raise Invalid(f"The parameter '{self.name}' takes at most {limit(self.hi, s)} article ids "
                              "(repeat it: ?id=a&id=b).")
            return list(dict.fromkeys(raw))
        value = (raw or "").strip() or None
        if value and len(value) > limit(self.max_chars, s):
            raise Invalid(f"The parameter '{self.name}' is too long (at most {limit(self.max_chars, s)} characters).",
                          code="too_long")
        return value

    def schema(self, s: Settings) -> dict:
        if self.kind == "flag":
            return {"enum": ["true", "false", "1", "0"]}
        if self.kind == "choice":
            return {"enum": list(self.options)}
        if self.kind == "int":
            return {"type": "integer", "minimum": self.lo, "maximum": limit(self.hi, s)}
        if self.kind == "ids":
            return {"type": "array", "maxItems": limit(self.hi, s), "items": {"type": "string", "minLength": 1,
                                                                              "maxLength": 64}}
        return {"type": "string", **({"maxLength": limit(self.max_chars, s)} if self.max_chars else {})}


@dataclass(frozen=True)
class Query:
    params: tuple[Param, ...] = field(default=())

    def check(self, query, s: Settings) -> dict:
        return {p.name: p.check(query.getall(p.name, []) if p.kind == "ids" else query.get(p.name), s)
                for p in self.params}

    def openapi(self, s: Settings) -> list[dict]:
        return [{"name": p.name, "in": "query", "required": p.required, "schema": p.schema(s),
                 **({"style": "form", "explode": True} if p.kind == "ids" else {})} for p in self.params]


ARTICLE_LIST = Query((
    Param("q", max_chars="max_query_chars"), Param("tag", max_chars="max_tag_chars"),
    Param("state", "choice", options=LIST_STATES, default="all"),
    Param("favorite", "flag"), Param("highlighted", "flag"),
    Param("sort", "choice", options=tuple(SORTS)),  # absent: relevance with a q, else saved
    Param("order", "choice", options=("asc", "desc")),
    Param("limit", "int", lo=1, hi="max_page_size", default="default_page_size"),
    Param("cursor", max_chars=1000),
))
ARTICLE_READ = Query((Param("body", "flag"),))
# POST /api/import: the file is the body; its name, as the user knows it, for the messages;
# background: answer at once with the job (202) instead of the summary once it is over.
IMPORT = Query((Param("background", "flag"), Param("name", max_chars=255)))
# GET /api/export: the format, and for an EPUB which articles (the list's filters; none: the
# reading list as it is, unread first... see transfer/epub.py).
EXPORT_FORMATS = ("json", "markdown", "epub")
EXPORT = Query((
    Param("format", "choice", options=EXPORT_FORMATS, default="json"),
    Param("tag", max_chars="max_tag_chars"),
    Param("state", "choice", options=LIBRARY_STATES, default="all"),
    Param("id", "ids", hi=1000),
))
# GET /api/highlights without `url`: the notebook, every highlight across the library
NOTEBOOK = Query((
    Param("q", max_chars="max_query_chars"), Param("tag", max_chars="max_tag_chars"),
    Param("color", "choice", options=COLORS),
    Param("sort", "choice", options=NOTEBOOK_SORTS, default="newest"),
    Param("limit", "int", lo=1, hi="max_page_size", default="default_page_size"),
    Param("cursor", max_chars=1000),
))

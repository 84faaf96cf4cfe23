"""The OpenAPI 3.0 description of every route, served at /api/openapi.json.

Written from a small table (one `_op` per route) so it stays one screen per area; the request
bodies and the list's parameters come from schema.py, the same objects the handlers check
requests with, so the description cannot drift from what is enforced. A test checks it names
exactly the routes app.routes() serves, and schemathesis fuzzes the server from it.
"""
from __future__ import annotations

import functools

from .. import __version__
from ..settings import Settings
from . import schema

JSON = "application/json"
_STR = {"type": "string"}
_OBJ = {"type": "object"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _param(name: str, where: str = "query", schema: dict | None = None, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema or _STR}


ID = _param("id", "path", {"type": "string", "minLength": 1, "maxLength": 64})


def _op(summary: str, *, params: tuple = (), body: dict | None = None, body_type: str = JSON,
        ok: int = 200, ok_type: str = JSON, public: bool = False, optional_body: bool = False) -> dict:
    op = {"summary": summary, "parameters": list(params), "responses": {
        str(ok): {"description": "success", "content": {ok_type: {"schema": _OBJ if ok_type == JSON else _STR}}},
        "default": {"description": "an error", "content": {JSON: {"schema": _ref("Error")},
                                                           "text/html": {"schema": _STR}}},
    }}
    if body is not None:
        op["requestBody"] = {"required": not optional_body, "content": {body_type: {"schema": body}}}
    if public:
        op["security"] = []
    return op


def _obj(required: tuple[str, ...], **props: dict) -> dict:
    return {"type": "object", "required": list(required), "properties": props, "additionalProperties": False}


def _schemas(s: Settings) -> dict:
    return {
        "Error": _obj(("error",), error=_obj(("code", "message"), code=_STR, message=_STR)),
        **{body.name: body.openapi(s) for body in schema.BODIES},
    }


def _api_paths(s: Settings) -> dict:
    q = _param
    tag_name = _param("name", "path", {"type": "string", "minLength": 1, "maxLength": s.max_tag_chars})
    return {
        "/api/health": {"get": _op("Is the server up, and are its storage and page readers ok or degraded (busy, "
                                   "stuck)? No token needed; why it is degraded only with the token", public=True)},
        "/api/openapi.json": {"get": _op("This description", public=True)},
        "/api/hello": {"get": _op("Proof that this server holds the token: an HMAC of the caller's nonce (no token needed)",
                                  public=True, params=(_param("nonce", required=True, schema={
                                      "type": "string", "pattern": "^[A-Za-z0-9_-]{16,128}$"}),))},
        "/api/pair": {"post": _op("Trade a `quietpage pair` code for the token (browser extensions only)",
                                  body=_ref("Pair"), public=True)},
        "/api/login-links": {"post": _op("A one-time login link for the pages", ok=201, optional_body=True,
                                         body=_ref("LoginLink"))},
        "/api/download-links": {"post": _op("A one-time link for the pages to download an /api/ address "
                                            "(an export) with their session", ok=201, body=_ref("DownloadLink"))},
        "/api/extract": {"post": _op("The reader view of a page and its suggested tags; nothing stored",
                                     body=_ref("Page"))},
        "/api/articles": {
            "post": _op("Save a page (201 new, 200 the same URL again)", body=_ref("Page"), ok=201),
            "get": _op("List articles (newest saved first unless sort/order say otherwise); with q, search them "
                       "(best match first; each item adds snippet and matched_in)",
                       params=tuple(schema.ARTICLE_LIST.openapi(s))),
        },
        "/api/articles/{id}": {
            "get": _op("One article; with body=true, also its reader HTML (content_html) and text",
                       params=(ID, *schema.ARTICLE_READ.openapi(s))),
            "patch": _op("Change tags, state, favorite or progress", params=(ID,), body=_ref("ArticlePatch")),
            "delete": _op("Move to the trash", params=(ID,)),
        },
        "/api/articles/{id}/restore": {"post": _op("Bring back from the trash", params=(ID,))},
        "/api/articles/{id}/read-again": {"post": _op(
            "Read the article's page as captured again (it took too long to read, or its saved text went missing)",
            params=(ID,))},
        "/api/trash": {"delete": _op("Empty the trash: everything in it is deleted for good")},
        "/api/articles/{id}/highlights": {
            "post": _op("Add a highlight", params=(ID,), body=_ref("NewHighlight"), ok=201),
            "get": _op("The article's highlights", params=(ID,)),
        },
        "/api/highlights": {"get": _op(
            "With url: the highlights of the saved page at that URL. Without: the notebook, every "
            "highlight across the library (newest first, oldest first or by article), filtered and paged",
            params=(q("url", schema={"type": "string", "maxLength": s.max_url_chars}),
                    *schema.NOTEBOOK.openapi(s)))},
        "/api/highlights/{id}": {
            "patch": _op("Change a highlight's color or note", params=(ID,), body=_ref("HighlightPatch")),
            "delete": _op("Delete a highlight", params=(ID,)),
        },
        "/api/tags": {"get": _op("The tags in use, with counts; how many articles the clean-up would change")},
        "/api/tags/{name}/rename": {"post": _op("Rename (or merge) a tag; answers an undo token",
                                                params=(tag_name,), body=_ref("TagRename"))},
        "/api/tags/{name}": {"delete": _op("Take a tag off every article; answers an undo token", params=(tag_name,))},
        "/api/tags/cleanup": {"post": _op("Take the tags old saves applied unasked off the articles whose tags "
                                          "you never set; answers an undo token")},
        "/api/tags/undo": {"post": _op("Undo a rename, merge, delete or clean-up", body=_ref("TagUndo"))},
        "/api/preferences": {
            "get": _op("Your preferences: auto_apply_tags (apply your own tags automatically)"),
            "patch": _op("Change your preferences (kept in config.toml)", body=_ref("Preferences")),
        },
    }


def _transfer_and_page_paths(s: Settings) -> dict:
    return {
        "/api/export": {"get": _op("Export the library (streamed)", ok_type="application/octet-stream",
                                   params=tuple(schema.EXPORT.openapi(s)))},
        "/api/import": {"post": _op("Import a backup, Pocket CSV, Omnivore export or bookmarks file (the body; "
                                    "`name`: the file's name, for the messages); with background=true, 202 with the import job at once",
                                    params=tuple(schema.IMPORT.openapi(s)), body={"type": "string", "format": "binary"},
                                    body_type="application/octet-stream")},
        "/api/import-jobs": {"get": _op("The import running now, or null")},
        "/api/import-jobs/{id}": {"get": _op("An import's progress; once over, its summary (result) or why not (error)",
                                             params=(ID,))},
        "/api/import-jobs/{id}/cancel": {"post": _op("Stop an import at its next article (each imported whole)",
                                                     params=(ID,))},
        "/api/fetch-jobs": {
            "get": _op("How many imported articles wait for their text; the running fetch"),
            "post": _op("Fetch the text of imported articles", ok=202, optional_body=True, body=_ref("Fetch")),
        },
        "/api/fetch-jobs/{id}": {"get": _op("A fetch job's progress", params=(ID,))},
        "/": {"get": _op("The reading list (page)", ok_type="text/html")},
        "/read/{id}": {"get": _op("The reader (page)", params=(ID,), ok_type="text/html")},
        "/trash": {"get": _op("The trash (page)", ok_type="text/html")},
        "/highlights": {"get": _op("The notebook: every highlight (page)", ok_type="text/html")},
        "/tags": {"get": _op("The tag manager (page)", ok_type="text/html")},
        "/login": {"get": _op("Use a one-time login link: starts a page session", ok_type="text/html", public=True,
                              params=(_param("code", required=True), _param("next")))},
        "/logout": {"post": _op("End the page session", ok=303, ok_type="text/html")},
    }


def _image_paths() -> dict:
    name = _param("name", "path", {"type": "string", "pattern": "^[0-9a-f]{64}\\.(png|jpg|gif|webp|avif)$"})
    return {
        "/api/articles/{id}/images": {"get": _op("The article's images: each one's state (archived, pending, "
                                                 "failed and why) and where it is served", params=(ID,))},
        "/api/image-jobs": {
            "get": _op("How many articles have images not archived yet; the running job"),
            "post": _op("Archive the images of older articles (retry_failed: also those refused before)", ok=202,
                        optional_body=True, body=_ref("ImageJob")),
        },
        "/api/image-jobs/{id}": {"get": _op("An image archiving job's progress", params=(ID,))},
        "/images/{name}": {"get": _op("An archived image", params=(name,), ok_type="image/*")},
    }


@functools.lru_cache(maxsize=4)
def describe(s: Settings) -> dict:
    """The whole description, with the limits of these settings (built once per settings)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "QuietPage", "version": __version__,
                 "description": "The local server of QuietPage. Errors are always "
                                "{\"error\": {\"code\", \"message\"}}. See SECURITY.md for the request rules."},
        "servers": [{"url": "http://127.0.0.1:27182"}],
        "security": [{"token": []}, {"session": []}],
        "paths": {**_api_paths(s), **_transfer_and_page_paths(s), **_image_paths()},
        "components": {
            "schemas": _schemas(s),
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "`quietpage token` prints it"},
                "session": {"type": "apiKey", "in": "cookie", "name": "qp_session_<port>",
                            "description": "set by a login link; on /api/ only with the page key "
                                           "(X-QuietPage-Page) the login page gives our pages; state "
                                           "changes only from our own pages"},
            },
        },
    }

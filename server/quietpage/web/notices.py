"""What the reader says above an article whose page is not read yet (it took too long to read),
whose saved copy went missing, that came without its text (an import) or that may not be an
article at all, and what can be done about it: Read again (the page as captured, POST
/api/articles/{id}/read-again) and Fetch it (again) (a fetch job for this article).
static/js/recover.js makes the buttons work. Every value is escaped here."""
from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from ..clock import parse_iso
from ..library.imports import SOURCE_NAMES
from ..library.recovery import AFTER_MISSING


def reader_notice(article: dict) -> tuple[str, bool]:
    """(the notice's HTML, or "" when all is well; whether to leave out the content under it - a
    placeholder that says the same)."""
    if error := article.get("body_error"):
        heading = ("This article's saved copy is missing" if error["code"] == "body_missing"
                   else "This article's saved copy is damaged")
        actions = (["read-again"] if error.get("can_read_again") else []) + ["fetch"]
        said = error["message"].removesuffix(AFTER_MISSING).strip()  # the buttons say what can be done
        return _notice(heading, f"{said} Its details, highlights and notes are kept.", actions, article), True
    if error := article.get("read_error"):
        unread = not article.get("text")
        when = _day(error.get("at"))
        heading = ("QuietPage has not read this page yet" if unread
                   else f"The page you saved again{when} is not read yet")
        said = error.get("message") or "It took too long to read."
        kept = ("The page as captured is kept with this article." if unread else
                "This is the version you saved before; the newer page as captured is kept beside it.")
        return _notice(heading, f"{said} {kept}", ["read-again"], article), unread
    if article.get("needs_fetch"):  # imported with its address only: the content is a placeholder
        failed = f" The last try failed: {article['fetch_error']}" if article.get("fetch_error") else ""
        where = SOURCE_NAMES.get(article.get("imported_from") or "", "another app")
        return _notice("Only this article's address is here", f"It was imported from {where} without its text.{failed}",
                       ["fetch"], article, fetch_label="Fetch it now from {host}"), True
    if article.get("readerable") is False:  # a front page, a list of links: said quietly
        url = escape(article.get("url") or "")
        return (f'<p class="notice quiet" role="note">This page may not be an article (a front page or a list '
                f'of links, say): the reader view may leave out parts of it. Read <a href="{url}" '
                f'rel="noopener noreferrer" target="_blank">the original</a>.</p>'), False
    return "", False


def _notice(heading: str, message: str, actions: list[str], article: dict,
            fetch_label: str = "Fetch it again from {host}") -> str:
    host = urlsplit(article.get("url") or "").hostname or "its site"
    labels = {"read-again": "Read again", "fetch": fetch_label.format(host=host)}
    buttons = " ".join(f'<button type="button" class="action" data-recover="{a}">{escape(labels[a])}</button>'
                       for a in actions)
    return (f'<section class="notice" id="recover" aria-labelledby="recover-heading">'
            f'<h2 id="recover-heading">{escape(heading)}</h2><p>{escape(message)}</p>'
            f'<p class="actions">{buttons}</p><p class="muted" id="recover-status" role="status" aria-live="polite">'
            f'Or save it again from your browser with the QuietPage button.</p></section>')


def _day(at) -> str:
    try:
        return f" on {parse_iso(at).date().isoformat()}"
    except (TypeError, ValueError, AttributeError):
        return ""

"""Render editor Markdown to HTML that is safe to show on the site."""

import functools
import re

import markdown as md
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks

# What editors may use: text structure, emphasis, links, code and simple tables.
# No images, iframes, forms, scripts, styles or event handlers.
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Relative links (to other pages of the site) are always allowed by nh3.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


def sanitize_html(html: str) -> str:
    """Strip everything from HTML that is not on the allow-list."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Python-Markdown's time grows with the square of some inputs: each "[" (a link, image or
# reference that may start there) scans the rest of the paragraph for its "]", and so on for "<"
# (raw HTML and autolinks), emphasis and code spans; list markers on one line nest (a thousand
# raise RecursionError). These bounds keep any text under a fraction of a second to render, far
# above what an editor writes (the demo guide's longest text is under 1,000 characters, with at
# most one "[" and 32 "*"). Every Markdown field has its own, lower, length limit.
MARKDOWN_MAX_LENGTH = 5_000
MARKDOWN_MAX_CHARACTERS = {
    "[": 50,
    "<": 50,
    "\\": 100,
    "\t": 100,
    "`": 200,
    "*": 500,
    "_": 500,
    "|": 500,
    "\n": 500,
}
_CALLED = {"\t": "tab characters", "\n": "lines"}
MARKDOWN_MAX_NESTING = 10
# A list item or quote marker at the start of a line, after the markers before it.
_NESTED_MARKER = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|>)")


def markdown_problem(text: str) -> str | None:
    """Return why rendering ``text`` would take too long, in an editor's words, or None."""
    if len(text) > MARKDOWN_MAX_LENGTH:
        return f"This text is too long ({len(text):,} characters): at most {MARKDOWN_MAX_LENGTH:,}."
    return _structure_problem(text)


def _structure_problem(text: str) -> str | None:
    for character, limit in MARKDOWN_MAX_CHARACTERS.items():
        count = text.count(character)
        if count > limit:
            called = _CALLED.get(character, f"“{character}” characters")
            return f"Too many {called} ({count:,}): at most {limit:,} in one text."
    for line in text.splitlines():
        depth, position = 0, 0
        while (marker := _NESTED_MARKER.match(line, position)) and marker.end() > position:
            depth, position = depth + 1, marker.end()
            if depth > MARKDOWN_MAX_NESTING:
                return (
                    f"Lists or quotes are nested too deeply (“{line[:40]}…”): at most "
                    f"{MARKDOWN_MAX_NESTING} levels."
                )
    return None


def validate_markdown(text: str) -> None:
    """Refuse Markdown that would take too long to render, saying what to change."""
    # Its length is each field's own limit, a MaxLengthValidator beside this one.
    problem = _structure_problem(text or "")
    if problem is not None:
        raise ValidationError(problem, code="markdown_too_complex")


def render_markdown(text: str) -> str:
    """Render Markdown source to sanitized HTML, in bounded time."""
    if not text or not text.strip():
        return ""
    if markdown_problem(text) is not None:
        # Validation refuses such text on every write path; anything that got past it (old rows,
        # a raw save) is shown as escaped plain text rather than hold a worker for minutes.
        return linebreaks(escape(text))
    return _render(text)


# Rendering is a pure function of the text. The importer renders every text before it opens its
# write transaction, so save() finds each one here rather than render while holding the lock.
@functools.lru_cache(maxsize=1024)
def _render(text: str) -> str:
    """Render text within the bounds to sanitized HTML."""
    html = md.markdown(
        text,
        extensions=["sane_lists", "smarty", "tables"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return sanitize_html(html)

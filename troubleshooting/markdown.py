"""Render editor Markdown to HTML that is safe to show on the site."""

import markdown as md
import nh3

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


def render_markdown(text: str) -> str:
    """Render Markdown source to sanitized HTML."""
    if not text or not text.strip():
        return ""
    html = md.markdown(
        text,
        extensions=["sane_lists", "smarty", "tables"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    return sanitize_html(html)

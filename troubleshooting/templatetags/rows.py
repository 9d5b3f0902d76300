"""``{% link_items rows %}``: a list of plain rows as ``<li>`` links, the home page's longest part.

The home page lists hundreds of links, each ``<li><a href="…" hx-get="…">title</a></li>``.
Through ``{% for %}`` every one pushed a context, filled ``forloop`` and resolved each value
through the context's stack and the engine's look-up rules before escaping it: about 2.5 ms of
an uncached home page. This tag owns that one small piece of markup and joins the rows' values
with the standard library's escaping, which is Django's ``escape()`` without its check for lazy
arguments: a row's ``url`` and ``title`` are plain strings (``values()`` rows, made in the view).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# The link a row makes: the address twice (a plain link, and htmx's swap of #main).
ITEM = '<li><a href="{url}" hx-get="{url}">{title}</a></li>'


@register.simple_tag
def link_items(rows) -> str:
    """Return each row's link as a list item, its address and title escaped."""
    items = (
        ITEM.format(url=escape(str(row["url"])), title=escape(str(row["title"]))) for row in rows
    )
    return mark_safe("\n".join(items))  # noqa: S308 (every value above is escaped)

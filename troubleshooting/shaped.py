"""Small templates rendered once per shape, with a page's own addresses filled in afterwards.

Every page shows the language switcher and its ``hreflang`` alternates: the same few lines,
differing only in their addresses. Through the template engine they cost about a tenth of an
uncached fragment's time; rendered once with stand-ins where the addresses go (as ``addresses.py``
reverses an address once with stand-ins for its slugs), each page pays only for escaping its
addresses. A shape is kept under everything else its text depends on: the template, the values
given besides the addresses, the active language (its words), and the settings and templates
of this process (forgotten when a test changes one, or the development server reloads one).
The template may only print each address, autoescaped, once (``{{ url }}``): a shape in which a
stand-in is not found exactly once is not kept, and that template is rendered every time.
"""

import html as stdlib_html
from collections.abc import Callable

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# A template's text around its addresses, or None where stand-ins do not show each one once.
_shapes: dict[tuple, tuple[str, ...] | None] = {}


def _stand_in(number: int) -> str:
    # Letters and digits only: autoescaping leaves them as they are, and no page's words hold one.
    return f"zqxaddress{number}xqz"


def _shape(template_name: str, context: dict, count: int) -> tuple[str, ...] | None:
    """Return the rendered template's text around each stand-in, in order, or None."""
    html, pieces = get_template(template_name).render(context), []
    # Each exactly once in the whole text, before any is split off: one printed twice, once
    # before an earlier one and once after it, would otherwise stay in the page as it is.
    if any(html.count(_stand_in(number)) != 1 for number in range(count)):
        return None
    for number in range(count):
        before, found, html = html.partition(_stand_in(number))
        if not found:  # out of order: printed before the one ahead of it
            return None
        pieces.append(before)
    return (*pieces, html)


def render(
    template_name: str,
    values: tuple,
    addresses: tuple[str, ...],
    context: Callable[[tuple, tuple[str, ...]], dict],
) -> SafeString:
    """Return ``template_name`` rendered with ``context(values, addresses)``, from its shape.

    ``values``: everything the template shows besides the addresses (hashable).
    """
    key = (template_name, values, len(addresses), get_language())
    try:
        pieces = _shapes[key]
    except KeyError:
        stand_ins = tuple(_stand_in(number) for number in range(len(addresses)))
        pieces = _shapes[key] = _shape(template_name, context(values, stand_ins), len(addresses))
    if pieces is None:
        return get_template(template_name).render(context(values, addresses))
    parts = [pieces[0]]
    for address, piece in zip(addresses, pieces[1:], strict=True):
        parts += (_escaped(address), piece)
    # Each piece is the template's own output, each address escaped as the template escapes it.
    return mark_safe("".join(parts))  # noqa: S308


def _escaped(address: str) -> str:
    """Return ``address`` as autoescaping prints it (``conditional_escape``), without its wrapper.

    Django's ``escape()`` is the standard library's ``html.escape()`` made safe; its lazy-text
    wrapper cost more than the escaping, and an address is never lazy.
    """
    if hasattr(address, "__html__"):
        return address.__html__()
    return stdlib_html.escape(address)


@receiver(setting_changed)
@receiver(file_changed)
def _forget(**kwargs) -> None:
    """Render every shape afresh: a changed setting or template may change its text."""
    _shapes.clear()

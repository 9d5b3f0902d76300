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
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.template.loader import get_template
from django.utils import formats
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .addresses import address_context

logger = logging.getLogger(__name__)

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


# A stand-in as the shape of a filled template shows it, and anything left of one in its text.
_STAND_IN = re.compile(r"zqxaddress(\d+)xqz")
_LEFT_OVER = re.compile("zqx", re.IGNORECASE)
# A filled template's text around its values, and which value goes after each piece but the last.
# Its keys are few and fixed: a template named in the code, its flags (booleans and constants),
# its values' names (the code's) and which of them are true (or the false value itself: None,
# "", 0), and a language of LANGUAGES. No text a request sends or an editor writes is part of one.
_filled: dict[tuple, tuple[tuple[str, ...], tuple[int, ...]] | None] = {}


def fill(template_name: str, flags: dict, values: dict) -> SafeString | None:
    """Return ``template_name`` rendered with ``flags`` and ``values``, from its shape, or None.

    Both map a name the template reads (``"step.pk"`` for ``{{ step.pk }}``) to what it holds.
    ``flags``: what the template decides by (hashable); ``values``: what it prints. The shape is
    kept per language, flags, and which values are true (a value a condition tests,
    ``{% if via %}``), rendered with stand-ins where the values are: each value may be printed
    any number of times, autoescaped, as plain ``{{ value }}`` (strings, safe strings and
    integers). None: render the template instead. It is None where the shape shows the template
    read a name neither maps, changed a stand-in's text (``|upper``) or failed with stand-ins
    (``{% blocktranslate count %}``), or where a value is of another type.

    Only a stand-in's text is checked: a filter or test that leaves it as it is (``|lower``,
    ``|urlencode``, ``|length``, ``{% if number == 1 %}``) would be filled with the value
    as it is, not as the template makes it. The templates filled say so where their values are.
    """
    # A false value is printed as it is (None, "", 0): the shape holds it, and is kept under it.
    truths = tuple(True if value else value for value in values.values())
    # Where addresses begin too: a shape's interface text holds links (the brand, the search).
    key = (template_name, tuple(flags.items()), tuple(values), truths, address_context())
    try:
        shape = _filled[key]
    except KeyError:
        shape = _filled[key] = _fill_shape(template_name, flags, values)
    if shape is None:
        return None
    pieces, order = shape
    escaped = [_printed(value) if value else "" for value in values.values()]
    if None in escaped:
        return None  # a value printed otherwise than these are (a date, a number with places)
    parts = [pieces[0]]
    for number, piece in zip(order, pieces[1:], strict=True):
        parts += (escaped[number], piece)
    # Each piece is the template's own output, each value escaped as the template escapes it.
    return mark_safe("".join(parts))  # noqa: S308


def _fill_shape(
    template_name: str, flags: dict, values: dict
) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
    """Return the text around each stand-in of the template's shape and their order, or None."""
    shown = {
        name: _stand_in(number) if value else value
        for number, (name, value) in enumerate(values.items())
    }
    missed = set()
    context = _NamesContext(_nested({**flags, **shown}, missed), missed)
    try:
        html = get_template(template_name).template.render(context)
    except Exception:
        # Not with stand-ins (a count, a sum): rendered each time, which shows a real fault.
        logger.warning("No shape for %s: rendered each time", template_name, exc_info=True)
        return None
    if missed:
        # Printed as "" here, and as the page's own value by the template.
        logger.warning("No shape for %s, which reads %s", template_name, sorted(missed))
        return None
    split = _STAND_IN.split(html)
    pieces, order = tuple(split[::2]), tuple(int(number) for number in split[1::2])
    # A stand-in the template changed (a filter) is no longer found: its value would be lost.
    if any(_LEFT_OVER.search(piece) for piece in pieces):
        return None
    return pieces, order


class _Names(dict):
    """Names a shape is rendered with: one the template reads and is not there is noted."""

    def __init__(self, names: dict, missed: set, prefix: str = "") -> None:
        super().__init__(names)
        self.missed, self.prefix = missed, prefix

    def __missing__(self, name):
        self.missed.add(f"{self.prefix}{name}")
        raise KeyError(name)


class _NamesContext(Context):
    """A shape's context: a name the template reads and neither mapping holds is noted."""

    def __init__(self, names: dict, missed: set) -> None:
        super().__init__(names)
        self.missed = missed

    def __getitem__(self, name):
        try:
            return super().__getitem__(name)
        except KeyError:
            self.missed.add(name)
            raise

    def __contains__(self, name) -> bool:
        if super().__contains__(name):
            return True
        self.missed.add(name)
        return False


def _nested(flat: dict, missed: set) -> dict:
    """Return ``{"step.pk": 3}`` as ``{"step": {"pk": 3}}``, each inner mapping noting misses."""
    nested = {}
    for name, value in flat.items():
        *outer, last = name.split(".")
        inner = nested
        for depth, part in enumerate(outer):
            prefix = ".".join(outer[: depth + 1]) + "."
            inner = inner.setdefault(part, _Names({}, missed, prefix))
        inner[last] = value
    return nested


def _printed(value) -> str | None:
    """Return ``value`` as ``{{ value }}`` prints it, autoescaped; None for another type."""
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # What localize() gives an integer: its digits, unless thousands are grouped.
        return formats.localize(value) if settings.USE_THOUSAND_SEPARATOR else str(value)
    return None


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
    _filled.clear()

"""Addresses of content by slug, without a whole ``reverse()`` for every link.

The home page links to hundreds of topics and symptoms, each twice (``href`` and ``hx-get``);
``reverse()`` matches every argument against its pattern again each time, and was half the
page's rendering time. An address's shape is the same whatever the slugs, so each URL name is
reversed once (per script prefix and URLconf) with stand-ins, and slugs are put in their place.
A value that isn't a plain ASCII slug (which ``reverse()`` would quote, or refuse) goes through
``reverse()`` itself: the result is always what ``reverse()`` gives.

What an address depends on besides its slugs (script prefix, URLconf, active language) lives in
thread- and context-local storage that costs a few microseconds a read: ``Addresses`` reads it
once for a page's whole list of links.
"""

import re

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")
_shapes: dict[tuple, tuple[str, ...] | None] = {}


def _stand_in(number: int) -> str:
    return f"zzslot{number}zz"


def _shape(name: str, count: int) -> tuple[str, ...] | None:
    """Return the address's text around its ``count`` slugs, or None if it can't be split."""
    url = reverse(name, args=[_stand_in(number) for number in range(count)])
    pieces, rest = [], url
    for number in range(count):
        before, found, rest = rest.partition(_stand_in(number))
        if not found or _stand_in(number) in rest:
            return None
        pieces.append(before)
    return (*pieces, rest)


def address_context() -> tuple:
    """Return what an address depends on besides its arguments."""
    return (get_script_prefix(), get_urlconf(), get_language())


def _slug_url(context: tuple, name: str, slugs: tuple[str, ...]) -> str:
    if not all(_PLAIN_SLUG.match(slug) for slug in slugs):
        return reverse(name, args=slugs)
    key = (name, len(slugs), *context)
    try:
        pieces = _shapes[key]
    except KeyError:
        pieces = _shapes[key] = _shape(name, len(slugs))
    if pieces is None:
        return reverse(name, args=slugs)
    parts = [pieces[0]]
    for slug, piece in zip(slugs, pieces[1:], strict=True):
        parts += (slug, piece)
    return "".join(parts)


def slug_url(name: str, *slugs: str) -> str:
    """Return ``reverse(name, args=slugs)`` for a URL name whose arguments are slugs."""
    return _slug_url(address_context(), name, slugs)


class Addresses:
    """Build many addresses for one response, reading what they depend on once."""

    def __init__(self):
        self._context = address_context()

    def slug_url(self, name: str, *slugs: str) -> str:
        """Return ``reverse(name, args=slugs)``, as the module's ``slug_url()``."""
        return _slug_url(self._context, name, slugs)


@receiver(setting_changed)
def _forget_shapes(**kwargs) -> None:
    """Reverse afresh after a test changes the URLconf (or anything else addresses depend on)."""
    _shapes.clear()

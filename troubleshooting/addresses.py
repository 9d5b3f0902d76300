"""Addresses of content by slug, without a whole ``reverse()`` for every link.

The home page links to hundreds of topics and symptoms, each twice (``href`` and ``hx-get``);
``reverse()`` matches every argument against its pattern again each time, and was half the
page's rendering time. An address's shape is the same whatever the slugs, so each URL name is
reversed once (per script prefix and URLconf) with stand-ins, and slugs are put in their place.
The stand-ins are short numbers, which slug, string, integer and step-number converters all take
as they are, so a number (a step's) is put in its place as well. A place that takes numbers only
takes a value there only if it is a step number as the step converter writes it ("0", "007" or
"10000" are not); a value that isn't a plain ASCII slug (which ``reverse()`` would quote, or
refuse) goes through ``reverse()`` itself: the result is always what ``reverse()`` gives, or its
``NoReverseMatch``.

What an address depends on besides its slugs (script prefix, URLconf, active language) lives in
thread- and context-local storage that costs a few microseconds a read: ``Addresses`` reads it
once for a page's whole list of links.
"""

import re
from urllib.parse import urlencode

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override

from .converters import StepNumber

_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# What urlencode() leaves as it is (quote_plus()'s always-safe characters).
_UNQUOTED = re.compile(r"[-a-zA-Z0-9_.~]*")
_STEP_NUMBER = re.compile(StepNumber.regex)
# A shape not reversed yet (None is kept for an address that has no shape).
_UNKNOWN = object()
# An address's text with "%s" where its arguments go (its own "%" doubled), and the places
# (by index) that take numbers only.
_shapes: dict[tuple, tuple[str, tuple[int, ...]] | None] = {}


def _stand_in(number: int) -> str:
    # Four digits, as a step number may have; none a part of another. One found in the
    # address's own text (its script prefix, say) leaves the address to reverse().
    return str(9_700 + number)


def _reverse(name: str, keys: int | tuple[str, ...], values: list[str]) -> str:
    if isinstance(keys, int):
        return reverse(name, args=values)
    return reverse(name, kwargs=dict(zip(keys, values, strict=True)))


def _shape(name: str, keys: int | tuple[str, ...]) -> tuple | None:
    """Return the address's text to fill with its slugs and its numbers-only places, or None.

    ``keys``: how many positional arguments it takes, or the names of its keyword arguments.
    The text is a ``%`` format with a ``%s`` per slug: filled in one step (``_filled``).
    """
    count = keys if isinstance(keys, int) else len(keys)
    stand_ins = [_stand_in(number) for number in range(count)]
    try:
        url = _reverse(name, keys, stand_ins)
    except NoReverseMatch:
        return None
    pieces, rest = [], url
    for number in range(count):
        before, found, rest = rest.partition(_stand_in(number))
        if not found or _stand_in(number) in rest:
            return None
        pieces.append(before)
    text = "%s".join(piece.replace("%", "%%") for piece in (*pieces, rest))
    numbers_only = tuple(n for n in range(count) if _numbers_only(name, keys, stand_ins, n))
    return text, numbers_only


def _numbers_only(name: str, keys, stand_ins: list[str], number: int) -> bool:
    """Return whether place ``number`` refuses a letter (a step number's, an integer's)."""
    # Such a place's value must be a step number as its converter writes it; an integer
    # converter's is held to that too and, if not one, reversed: never a wrong address.
    lettered = [*stand_ins[:number], f"x{stand_ins[number]}", *stand_ins[number + 1 :]]
    try:
        _reverse(name, keys, lettered)
    except NoReverseMatch:
        return True
    return False


def address_context() -> tuple:
    """Return what an address depends on besides its arguments."""
    return (*address_place(), get_language())


def address_place() -> tuple:
    """Return where addresses begin (script prefix, URLconf): their context but the language."""
    return (get_script_prefix(), get_urlconf())


def _shaped(
    context: tuple, name: str, slugs: tuple[str, ...], keys, *, learn: bool = True
) -> str | None:
    """Return the address of ``name`` with ``slugs`` from its shape, or None to reverse() it.

    ``keys``: how many positional arguments, or the names of the keyword arguments, ``slugs``
    are for. ``learn``: reverse the shape if it is not kept yet (which needs ``context``'s
    language active); else None for a shape not kept.
    """
    for slug in slugs:
        if not _PLAIN_SLUG.fullmatch(slug):
            return None
    key = (name, keys, *context)
    shape = _shapes.get(key, _UNKNOWN)
    if shape is _UNKNOWN:
        if not learn:
            return None
        shape = _shapes[key] = _shape(name, keys)
    return None if shape is None else _filled(shape, slugs)


def _filled(shape: tuple, slugs: tuple[str, ...]) -> str | None:
    """Return ``shape`` with plain ``slugs`` in its places, or None where a place refuses one."""
    text, numbers_only = shape
    for place in numbers_only:
        if not _STEP_NUMBER.fullmatch(slugs[place]):
            return None
    return text % slugs


def _slug_url(context: tuple, name: str, slugs: tuple[str, ...]) -> str:
    url = _shaped(context, name, slugs, len(slugs))
    return reverse(name, args=slugs) if url is None else url


def slug_url(name: str, *slugs: str) -> str:
    """Return ``reverse(name, args=slugs)`` for a URL name whose arguments are slugs."""
    return _slug_url(address_context(), name, slugs)


def kwargs_url(name: str, kwargs: dict) -> str:
    """Return ``reverse(name, kwargs=kwargs)`` for arguments that are slugs or numbers."""
    values = tuple(map(str, kwargs.values()))
    url = _shaped(address_context(), name, values, tuple(kwargs))
    # What reverse() is given is the arguments as they came, each for its converter's to_url().
    return reverse(name, kwargs=kwargs) if url is None else url


def kwargs_url_in(place: tuple, language: str, name: str, kwargs: dict) -> str:
    """Return ``kwargs_url(name, kwargs)`` as it is while ``language`` is active.

    ``place``: ``address_place()``. The language is switched on only to learn the address's
    shape in it (the first time) or to ``reverse()`` what has no shape: switching costs as much
    as the rest of an address.
    """
    values = tuple(map(str, kwargs.values()))
    url = _shaped((*place, language), name, values, tuple(kwargs), learn=False)
    if url is not None:
        return url
    with override(language):
        return kwargs_url(name, kwargs)


def query_string(pairs) -> str:
    """Return ``urlencode(pairs)`` of ``(key, value)`` pairs, joined as they are where it can.

    A key and value that are strings of the characters ``urlencode()`` leaves as they are (a
    flow address's answers, version, slugs and session key always are) are joined without
    quoting each in turn, at a fraction of the cost; anything else goes through ``urlencode()``.
    """
    pairs = list(pairs)
    for key, value in pairs:
        if not (isinstance(key, str) and isinstance(value, str)):
            return urlencode(pairs)
        if not _UNQUOTED.fullmatch(key) or not _UNQUOTED.fullmatch(value):
            return urlencode(pairs)
    return "&".join(f"{key}={value}" for key, value in pairs)


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

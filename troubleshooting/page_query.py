"""The query a cached page is filed under, read from its address as sent, and what its view sees.

The page cache (``caching.py``) files a page under the query parameters its view declares, and
lets the view see those alone; this module reads them, fast, on every request the cache serves.
"""

import functools
from urllib.parse import quote_plus, unquote_plus

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import QueryDict

# Shaped like a session key (``outcomes.is_key``), so the views carry it into every link.
SESSION_PLACEHOLDER = "sessionkeytofillin0000"
SESSION_PARAM = "s"


def declared_fields(request, names: frozenset[str]) -> dict[str, str]:
    """Return the declared query parameters as sent (still escaped), by name, the last of each.

    Read from the query string itself, and left escaped: decoding every parameter into
    ``request.GET`` was most of what a cached page with a query cost beyond one without. Each
    value decodes, as ``request.GET`` would decode it, to what the view gets (``show_only``),
    so one spelling is one page; two spellings of a value (``a+b``, ``a%20b``) are at most two
    entries of that page.
    """
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return {}
    limit = _fields_limit()
    if limit is not None and query.count("&") >= limit:
        # Refused as Django refuses it (a 400), and read by nothing else: the error page
        # would otherwise read the whole query again, and fail again, into a server error.
        request.GET = QueryDict()
        raise TooManyFieldsSent(
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
        )
    if not query.isascii():
        # Unescaped bytes (browsers escape them): decoded as the server's handler decodes
        # them, then escaped again, so every key holds one spelling of what the view gets.
        get = request.GET
        return {name: quote_plus(get[name]) for name in sorted(names) if name in get}
    found = {}
    for field in query.split("&"):
        name, _, value = field.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if name in names:
            found[name] = value
    # In a fixed order, for the key; one parameter (a search's words) is in order already.
    return found if len(found) < 2 else {name: found[name] for name in sorted(found)}


@functools.cache
def _fields_limit() -> int | None:
    """Return Django's limit on the number of query parameters, read once, not per request."""
    return settings.DATA_UPLOAD_MAX_NUMBER_FIELDS


@receiver(setting_changed)
def _follow_fields_limit(setting, **kwargs) -> None:
    """Read the limit afresh after a test changes it."""
    if setting == "DATA_UPLOAD_MAX_NUMBER_FIELDS":
        _fields_limit.cache_clear()


def filed_query(fields: dict[str, str]) -> str:
    """Return the escaped query the view sees: no value holds an ``&``, no name an ``=``."""
    return "&".join(f"{name}={value}" for name, value in fields.items() if name != SESSION_PARAM)


def show_only(request, fields: dict[str, str], session: str) -> None:
    """Let the view see only the query the key holds: what it renders then matches the key.

    The session key, if any, is a placeholder in ``GET`` (filled in per person after the
    cache); the address keeps the real one, for a redirect to carry on the same session.
    """
    query = filed_query(fields)
    shown, sent = query, query
    if session:
        shown = f"{query}&{SESSION_PARAM}={SESSION_PLACEHOLDER}".lstrip("&")
        sent = f"{query}&{SESSION_PARAM}={session}".lstrip("&")
    request.GET = QueryDict(shown)
    request.META["QUERY_STRING"] = sent


def show_as_sent(request) -> None:
    """Let what the view did not answer itself (an error page) see the person's session key.

    The query the key holds, as ``show_only`` left it for the address (the declared
    parameters), with the person's key instead of the placeholder.
    """
    request.GET = QueryDict(request.META.get("QUERY_STRING", ""))

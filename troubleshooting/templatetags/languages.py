"""The language switcher's links and the ``hreflang`` alternates, from ``languages.py``."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template
from django.utils.encoding import iri_to_uri
from django.utils.safestring import SafeString

from .. import languages, shaped
from ..addresses import query_string
from ..language_codes import SOURCE_ADDRESS_CODE

register = template.Library()
# What iri_to_uri() never quotes: ASCII letters, digits and the characters it keeps as they are.
_URI_AS_IS = re.compile(r"[A-Za-z0-9\-._~/#%\[\]=:;$&()+,!?*@']*")
SWITCHER = "includes/language_switcher.html"
ALTERNATES = "includes/hreflang_alternates.html"


@dataclass(frozen=True)
class LanguageLink:
    """This page in one language: where it is, and whether it is the one being read."""

    code: str
    name: str
    url: str
    current: bool


def _shown_address(request) -> str:
    """Return the page's address as the view saw it.

    ``request.GET``, not the address as typed: the page cache shows the view only the query it
    keys on, with the guided fix's session key as a placeholder filled in per person, so a
    cached page never carries someone else's session in its links.
    """
    query = query_string((key, value) for key, values in request.GET.lists() for value in values)
    return f"{request.path}?{query}" if query else request.path


def _addresses(request, url: str, match) -> dict[str, str]:
    """Return ``languages.addresses()``, worked out once per request and address.

    The switcher and the ``hreflang`` alternates both ask for the page in every language (a
    ``reverse()`` per language each), and on a page without a query they ask for the same one.
    """
    if request is None:
        return languages.addresses(url, match=match)
    known = request.__dict__.setdefault("_addresses_in_languages", {})
    if url not in known:
        known[url] = languages.addresses(url, match=match)
    return known[url]


def _links(context) -> tuple[tuple[str, ...], str]:
    """Return this page's address in each language (the switcher's order) and the current one."""
    request = context.get("request")
    if request is None:  # a page rendered without its request (the last-resort 500 page)
        url, match = "/", None
    else:
        url, match = _shown_address(request), request.resolver_match
    addresses = _addresses(request, url, match)
    urls = tuple(addresses[each.code] for each in languages.languages())
    return urls, languages.current_language()


def _switcher_context(values: tuple, urls: tuple[str, ...]) -> dict:
    current, oob = values
    links = [
        LanguageLink(each.code, each.name, url, current=each.code == current)
        for each, url in zip(languages.languages(), urls, strict=True)
    ]
    return {"links": links, "oob": oob}


@register.simple_tag(takes_context=True)
def language_switcher(context, *, oob: bool = False) -> SafeString:
    """Return the switcher: this page in each language, the one being read marked.

    Rendered from its shape for the current language (``shaped.py``): only the addresses are
    the page's own. ``oob``: sent out of band with an htmx fragment.
    """
    urls, current = _links(context)
    return shaped.render(SWITCHER, (current, bool(oob)), urls, _switcher_context)


def _alternates_context(values: tuple, urls: tuple[str, ...]) -> dict:
    return {"alternates": list(zip(values, urls, strict=True))}


@register.simple_tag(takes_context=True)
def hreflang_alternates(context, canonical_url: str) -> SafeString:
    """Return the ``<link rel="alternate">`` of the canonical page in every language.

    Then ``x-default``: the English page, for readers of any other language. The scheme and
    host are the request's, joined to each address as ``build_absolute_uri()`` joins them.
    """
    request = context["request"]
    path = urlsplit(canonical_url).path
    match = request.resolver_match if path == request.path else None
    addresses = _addresses(request, path, match)
    origin = request.build_absolute_uri("/").removesuffix("/")
    codes = (*addresses, "x-default")
    urls = (*addresses.values(), addresses[SOURCE_ADDRESS_CODE])
    absolute = tuple(_absolute(origin, url, request) for url in urls)
    html = shaped.render(ALTERNATES, codes, absolute, _alternates_context)
    return SafeString(html.removesuffix("\n"))  # the file's last newline: base.html has its own


def _absolute(origin: str, url: str, request) -> str:
    """Return ``request.build_absolute_uri(url)`` for one of the site's addresses, cheaply."""
    # build_absolute_uri()'s own simple case, the scheme and host read once for every address.
    if url.startswith("/") and not url.startswith("//") and "/./" not in url and "/../" not in url:
        absolute = origin + url
        # iri_to_uri() leaves such an address as it is: reverse() and urlencode() quoted it.
        return absolute if _URI_AS_IS.fullmatch(absolute) else iri_to_uri(absolute)
    return request.build_absolute_uri(url)

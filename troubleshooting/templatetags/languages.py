"""The language switcher's links and the ``hreflang`` alternates, from ``languages.py``."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django import template

from .. import languages
from ..language_codes import SOURCE_ADDRESS_CODE

register = template.Library()


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
    query = request.GET.urlencode()
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


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """Return the switcher's links: this page in each language, the one being read marked."""
    request = context.get("request")
    if request is None:  # a page rendered without its request (the last-resort 500 page)
        url, match = "/", None
    else:
        url, match = _shown_address(request), request.resolver_match
    addresses = _addresses(request, url, match)
    current = languages.current_language()
    return [
        LanguageLink(each.code, each.name, addresses[each.code], current=each.code == current)
        for each in languages.languages()
    ]


@register.simple_tag(takes_context=True)
def hreflang_alternates(context, canonical_url: str) -> list[tuple[str, str]]:
    """Return ``(hreflang, absolute address)`` of the canonical page in every language.

    Then ``x-default``: the English page, for readers of any other language.
    """
    request = context["request"]
    path = urlsplit(canonical_url).path
    match = request.resolver_match if path == request.path else None
    addresses = _addresses(request, path, match)
    alternates = [(code, request.build_absolute_uri(url)) for code, url in addresses.items()]
    source = request.build_absolute_uri(addresses[SOURCE_ADDRESS_CODE])
    return [*alternates, ("x-default", source)]

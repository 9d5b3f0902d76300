"""The languages the site speaks, and a page's address in each: the one home for both.

English, the source, has the addresses it always had; every other language puts its code in
front (``/es/…``, ``/fr/…``: ``helpcenter/urls.py``). The language switcher, the ``hreflang``
alternates of every page and the sitemap's alternates all ask ``address_in()`` (or
``addresses()``, the same for every language at once) for "this page in that language", so a
page whose address differs between languages (translated slugs) needs teaching here only:
``_arguments_in()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, Resolver404, ResolverMatch, resolve
from django.utils import translation

from . import translating
from .addresses import address_place, kwargs_url_in
from .language_codes import SOURCE_ADDRESS_CODE, base_code


@dataclass(frozen=True)
class Language:
    """A language of the site, named as its readers name it."""

    code: str
    name: str
    bidi: bool


# Built from the settings once (every page shows them), forgotten when a test changes them.
_languages: list[tuple[Language, ...]] = []


def languages() -> tuple[Language, ...]:
    """Return the site's languages in the order the switcher shows them (the source first)."""
    if not _languages:
        _languages.append(
            tuple(
                Language(code, name, translation.get_language_info(code)["bidi"])
                for code, name in settings.LANGUAGES
            )
        )
    return _languages[0]


@receiver(setting_changed)
def _forget_languages(**kwargs) -> None:
    """Build the languages afresh after a test changes ``LANGUAGES`` (or any setting)."""
    _languages.clear()
    _prefixes.clear()


# The codes an address may start with (``/es/…``: each language Django finds in its own
# prefix), and every language's code in lower case (what Django compares a prefix with).
_prefixes: list[tuple[frozenset[str], frozenset[str]]] = []


def _path_prefixes() -> tuple[frozenset[str], frozenset[str]]:
    # Read once: another thread may clear the list between a test of it and a read.
    known = _prefixes[:1]
    if known:
        return known[0]
    codes = [code for code, _name in settings.LANGUAGES]
    found = (code for code in codes if _prefixed_language(f"/{code}/") == code)
    built = (frozenset(found), frozenset(code.lower() for code in codes))
    _prefixes.append(built)
    return built


def _prefixed_language(path: str) -> str:
    prefixed = translation.get_language_from_path(path)
    return prefixed if prefixed and path.startswith(f"/{prefixed}/") else SOURCE_ADDRESS_CODE


def current_language() -> str:
    """Return the code of the language pages are being rendered in (one of ``LANGUAGES``)."""
    return translation.get_supported_language_variant(
        translation.get_language() or SOURCE_ADDRESS_CODE
    )


def language_of_path(path: str) -> str:
    """Return the language an address of the site is in: its prefix's, else the source's."""
    # A prefix counts only as Django reads it and as it is, followed by a slash (``/es-mx/``
    # is read as Spanish, but is no Spanish address). Every page's switcher asks: the site's
    # own prefixes, and every first part of an address that is none, are known at a glance.
    first, slash, _rest = path[1:].partition("/")
    if not slash or path[:1] != "/":
        return SOURCE_ADDRESS_CODE
    prefixes, lowered = _path_prefixes()
    if first in prefixes:
        return first
    if first.lower() not in lowered:
        return SOURCE_ADDRESS_CODE
    return _prefixed_language(path)  # a code of the site written otherwise (``/ES/``)


def resolve_address(path: str) -> ResolverMatch | None:
    """Resolve an address in its own language (a prefix only matches while its language is on)."""
    with translation.override(language_of_path(path)):
        try:
            return resolve(path)
        except Resolver404:
            return None


def _arguments_in(languages: list[str], match: ResolverMatch, written_in: str) -> dict:
    """Return the page's address arguments, written in ``written_in``, as each language writes them.

    By base code. Items have a slug per language (their translations'); one without a live
    translation keeps its English slug there.
    """
    return translating.address_slugs_in(
        match.captured_kwargs, base_code(written_in), [base_code(code) for code in languages]
    )


def address_in(url: str, language: str, *, match: ResolverMatch | None = None) -> str:
    """Return the address of the page at ``url`` (in any language) in ``language``.

    The query and fragment are kept: the same state of the same page. An address that is not
    one of the site's pages (an error page's) gives that language's home page. ``match``: the
    address already resolved (a request's ``resolver_match``), saving a second resolve.
    """
    return _addresses_in(url, [language], match)[language]


def addresses(url: str, *, match: ResolverMatch | None = None) -> dict[str, str]:
    """Return the address of the page at ``url`` in every language, by language code."""
    return _addresses_in(url, [code for code, _ in settings.LANGUAGES], match)


def _site_path(path: str, place: tuple) -> str:
    """Return an address's path as the URLconf sees it: without the script prefix.

    A site served under a prefix (``/help/``) shows it in every address, a request's own too;
    its language prefix comes after it.
    """
    prefix = place[0]
    return path[len(prefix) - 1 :] if prefix != "/" and path.startswith(prefix) else path


def _addresses_in(url: str, languages: list[str], match: ResolverMatch | None) -> dict[str, str]:
    """Return ``address_in()`` of ``url`` for each of ``languages``, by code.

    What the languages share is worked out once: the address split and resolved, the slug
    book read, the English slugs found, the query and fragment put back. No language is
    switched on for this: each one's address shape is learnt once.
    """
    parts, place = urlsplit(url), address_place()
    path = _site_path(parts.path, place)
    match = match or resolve_address(path)
    if match is None or not match.view_name:
        return {code: kwargs_url_in(place, code, "troubleshooting:home", {}) for code in languages}
    arguments = _arguments_in(languages, match, language_of_path(path))
    tail = urlunsplit(("", "", "", parts.query, parts.fragment))
    found = {}
    for code in languages:
        try:
            found[code] = kwargs_url_in(place, code, match.view_name, arguments[base_code(code)])
        except NoReverseMatch:
            found[code] = kwargs_url_in(place, code, "troubleshooting:home", {})
        else:
            found[code] += tail
    return found

"""The languages the site speaks, and a page's address in each: the one home for both.

English, the source, has the addresses it always had; every other language puts its code in
front (``/es/…``, ``/fr/…``: ``helpcenter/urls.py``). The language switcher, the ``hreflang``
alternates of every page and the sitemap's alternates all ask ``address_in()`` for "this page
in that language", so a page whose address differs between languages (translated slugs) needs
teaching here only: ``_arguments_in()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

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


def current_language() -> str:
    """Return the code of the language pages are being rendered in (one of ``LANGUAGES``)."""
    return translation.get_supported_language_variant(
        translation.get_language() or SOURCE_ADDRESS_CODE
    )


def language_of_path(path: str) -> str:
    """Return the language an address of the site is in: its prefix's, else the source's."""
    prefixed = translation.get_language_from_path(path)
    return prefixed if prefixed and path.startswith(f"/{prefixed}/") else SOURCE_ADDRESS_CODE


def resolve_address(path: str) -> ResolverMatch | None:
    """Resolve an address in its own language (a prefix only matches while its language is on)."""
    with translation.override(language_of_path(path)):
        try:
            return resolve(path)
        except Resolver404:
            return None


def _arguments_in(language: str, match: ResolverMatch, written_in: str) -> dict:
    """Return the page's address arguments, written in ``written_in``, as ``language`` writes them.

    Items have a slug per language (their translations'); one without a live translation keeps
    its English slug there.
    """
    return translating.address_slugs(
        match.captured_kwargs, base_code(written_in), base_code(language)
    )


def address_in(url: str, language: str, *, match: ResolverMatch | None = None) -> str:
    """Return the address of the page at ``url`` (in any language) in ``language``.

    The query and fragment are kept: the same state of the same page. An address that is not
    one of the site's pages (an error page's) gives that language's home page. ``match``: the
    address already resolved (a request's ``resolver_match``), saving a second resolve.
    """
    parts, place = urlsplit(url), address_place()
    path = _site_path(parts.path, place)
    match = match or resolve_address(path)
    return _address_in(parts, match, language_of_path(path), language, place)


def _site_path(path: str, place: tuple) -> str:
    """Return an address's path as the URLconf sees it: without the script prefix.

    A site served under a prefix (``/help/``) shows it in every address, a request's own too;
    its language prefix comes after it.
    """
    prefix = place[0]
    return path[len(prefix) - 1 :] if prefix != "/" and path.startswith(prefix) else path


def _address_in(
    parts: SplitResult, match: ResolverMatch | None, written_in: str, language: str, place: tuple
) -> str:
    """Return ``address_in()`` of an address split, resolved and its language known.

    ``place``: where addresses begin (``addresses.address_place()``), read once for every
    language. No language is switched on for this: each one's address shape is learnt once.
    """
    if match is None or not match.view_name:
        return kwargs_url_in(place, language, "troubleshooting:home", {})
    try:
        arguments = _arguments_in(language, match, written_in)
        path = kwargs_url_in(place, language, match.view_name, arguments)
    except NoReverseMatch:
        return kwargs_url_in(place, language, "troubleshooting:home", {})
    if not parts.query and not parts.fragment:
        return path
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def addresses(url: str, *, match: ResolverMatch | None = None) -> dict[str, str]:
    """Return the address of the page at ``url`` in every language, by language code.

    ``address_in()`` for each language, with what they share worked out once: the slug book
    read, the address's English slugs found and its query put back for all of them.
    """
    parts, place = urlsplit(url), address_place()
    path = _site_path(parts.path, place)
    match = match or resolve_address(path)
    codes = [code for code, _ in settings.LANGUAGES]
    if match is None or not match.view_name:
        return {code: _address_in(parts, match, "", code, place) for code in codes}
    written_in = base_code(language_of_path(path))
    arguments = translating.address_slugs_in(
        match.captured_kwargs, written_in, {base_code(code) for code in codes}
    )
    tail = urlunsplit(("", "", "", parts.query, parts.fragment))
    found = {}
    for code in codes:
        try:
            found[code] = kwargs_url_in(place, code, match.view_name, arguments[base_code(code)])
        except NoReverseMatch:
            found[code] = kwargs_url_in(place, code, "troubleshooting:home", {})
        else:
            found[code] += tail
    return found

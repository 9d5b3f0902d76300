"""Clear answers to requests the views never see."""

import functools

from django.conf import settings
from django.core.exceptions import BadRequest, SuspiciousOperation
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http.multipartparser import MultiPartParserError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ClearErrorsMiddleware:
    """Answer what Django can't read with the 400 page, and a 405 with a page, not an empty body.

    PostgreSQL cannot hold a NUL byte in text, so a query parameter carrying one (say, in an
    admin filter) would reach the database and fail with a server error: such a request is
    refused (with the page itself: the error view's CSRF check would read a broken body again).
    A cookie carrying one (a quoted value may spell it ``"\\000..."``) would do the
    same when its session is looked up, on every page: such a cookie is ignored instead, as
    if it had not been sent, since we never set one and refusing it would lock the person out.

    A POST body is read here, once, before the CSRF check or any view: see ``_unreadable_body``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            return bad_request_page(request)
        if any("\x00" in value for value in request.COOKIES.values()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if "\x00" not in value
            }
        if _unreadable_body(request):
            return bad_request_page(request)
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", {"title": _("That doesn't work here")}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response


def _unreadable_body(request) -> bool:
    """Say whether a POST's form data can't be read (a length or charset Django can't use, too big).

    Read here, once, so the answer is the 400 page whoever would have read it first. Left to
    the CSRF check, a form in another charset raised ``BadRequest`` there, and again in the
    error view's own CSRF check (Django keeps no note of that failure, as it does for the
    others), so the person got a bare "Internal Server Error". Views that need their own upload
    handlers can't set them after this: none do.

    Our forms are UTF-8 (every page says so, and browsers send no charset), and Django reads
    form data only as UTF-8: a form labelled with any other charset, an alias of UTF-8 or one
    Django doesn't know (which it would silently read as UTF-8) included, is refused.
    """
    if request.method != "POST":
        return False
    # Django reads the length with int(), and a server in front may pass on what it was sent.
    if not (request.META.get("CONTENT_LENGTH") or "0").isdigit():
        return True
    charset = request.content_params.get("charset", "utf-8")
    if request.content_type in FORM_TYPES and charset.lower() != "utf-8":
        return True
    try:
        request.POST  # noqa: B018 (parsing is the point)
    except (BadRequest, SuspiciousOperation, MultiPartParserError):
        return True
    return False


def bad_request_page(request):
    """Return the site's 400 page, without reading the request's body again."""
    return render(request, "400.html", status=400)


@functools.cache
def _admin_prefix() -> str:
    # Compared with the path_info, which never holds the script prefix a reverse() begins with.
    return reverse("admin:index").removeprefix(get_script_prefix().removesuffix("/"))


@functools.lru_cache(maxsize=256)
def _language_of_first_part(part: str) -> str | None:
    """Return the language an address's first part names, as Django reads it, or None.

    Kept per part: for a part that only looks like a language ("search", "messages"), Django's
    lookup fails with an exception each time, on every page but the home page. Bounded, so
    addresses made up to fill it only push each other out.
    """
    return translation.get_language_from_path(f"/{part}/")


@receiver(setting_changed)
def _forget_languages(setting, **kwargs) -> None:
    """Read addresses afresh after a test changes the languages, as Django's own lookup does."""
    if setting in ("LANGUAGES", "LANGUAGE_CODE"):
        _language_of_first_part.cache_clear()


def language_from_address(path_info: str) -> str | None:
    """Return the language an address's prefix names (``/es/…``), or None (English)."""
    # Django reads the first part alone (up to a slash or the end): the same answer.
    return _language_of_first_part(path_info.split("/", 2)[1] if path_info[:1] == "/" else "")


class AddressLanguageMiddleware(LocaleMiddleware):
    """Django's ``LocaleMiddleware``, without ``Vary: Accept-Language``: the address alone decides.

    With the source language unprefixed, an address without a prefix is always English and
    ``/es/``, ``/fr/`` are always theirs; neither the browser's languages nor a cookie changes
    a page. Django still adds the header to unprefixed pages, which would make every cache
    between us and the browser keep a copy of each English page per ``Accept-Language``.
    """

    def process_request(self, request):
        # What Django's does with English unprefixed, reading the path once: Django's reads it
        # twice and parses Accept-Language, which cannot change the answer here.
        language = language_from_address(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        # The editors' admin is one address for everyone, never cached: it speaks the editor's
        # browser language (or the language cookie), so its help texts reach them translated.
        if request.path_info.startswith(_admin_prefix()):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # Django's would read the address's language again, only to add the Accept-Language
        # that is taken out here (its redirect to a prefixed address is for a prefixed source
        # language, which this site's is not: ``prefix_default_language=False``).
        if request.path_info.startswith(_admin_prefix()):
            patch_vary_headers(response, ("Accept-Language",))
        elif "Vary" in response and "accept-language" in response["Vary"].lower():
            kept = [
                header.strip()
                for header in response["Vary"].split(",")
                if header.strip().lower() != "accept-language"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        response.headers.setdefault("Content-Language", translation.get_language())
        return response

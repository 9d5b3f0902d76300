"""What the page cache keeps of a page, and how a request is answered from it.

An entry is made once, when a page is rendered (``make_entry``), and answers every hit until
the page is retired (``answer``), so what a hit does is kept to what differs per request:

- What differs between people is put in after the cache: the form's CSRF token and the guided
  fix's anonymous session key (``s``) are stored as placeholders and filled in per request, so a
  cached page never carries someone else's token or session.
- A page with nothing to fill in is also kept gzipped, compressed once, and sent so to clients
  that accept gzip: browsers all do, and the reverse proxy passes compressed pages on instead
  of compressing the same page again on every request. A page with a token or a session key is
  never compressed (BREACH: a secret compressed beside text an attacker can put in the page,
  a search's words, leaks through the response's length).
"""

from __future__ import annotations

import functools
import gzip
import re
from typing import NamedTuple

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers

from .page_query import SESSION_PLACEHOLDER

CSRF_PLACEHOLDER = b"csrf-token-to-fill-in"
# Only the whole hidden field is filled in: text people typed, escaped in the page, can't match it.
_CSRF_HOLE = b'name="csrfmiddlewaretoken" value="' + CSRF_PLACEHOLDER + b'"'
_CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_SESSION_HOLE = SESSION_PLACEHOLDER.encode()
# zlib's default: within a few per cent of the best on pages, at a third of its time.
GZIP_LEVEL = 6


class PageEntry(NamedTuple):
    """A kept page: its status, headers and content with placeholders, and its gzipped form."""

    status: int
    headers: dict[str, str]
    content: bytes
    csrf: bool  # whether the content has a form's token to fill in, found once: most have none
    gzipped: bytes | None  # None for a page with something to fill in, or that gzip can't shrink
    gzip_headers: dict[str, str] | None


def make_entry(response) -> PageEntry:
    """Return what the cache keeps of a rendered response (given ``Vary`` if kept gzipped)."""
    content = _CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    csrf = _CSRF_HOLE in content
    gzipped = None
    # A strong ETag names one form's bytes, not both: such a page stays as it is.
    plain = not (response.has_header("Content-Encoding") or response.has_header("ETag"))
    if not csrf and _SESSION_HOLE not in content and plain:
        # No timestamp in the header: every process compresses a page to the same bytes.
        gzipped = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
        if len(gzipped) >= len(content):
            gzipped = None
        else:
            # On both forms, so no cache between here and the browser mixes them up.
            patch_vary_headers(response, ("Accept-Encoding",))
    # The length is the body's, set on the way out (CommonMiddleware): never one form's for both.
    headers = {name: value for name, value in response.items() if name != "Content-Length"}
    gzip_headers = None if gzipped is None else {**headers, "Content-Encoding": "gzip"}
    return PageEntry(response.status_code, headers, content, csrf, gzipped, gzip_headers)


def answer(request, entry: PageEntry, session: str) -> HttpResponse:
    """Return a new response to ``request`` from a kept page, with the session key ``session``."""
    if entry.gzipped is not None and accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        return HttpResponse(entry.gzipped, status=entry.status, headers=entry.gzip_headers)
    content = fill_in(request, entry.content, session, entry.csrf)
    return HttpResponse(content, status=entry.status, headers=entry.headers)


def answer_with(request, response, entry: PageEntry, session: str):
    """Return the response just rendered into ``entry``, as ``answer`` would have sent it."""
    response.headers.pop("Content-Length", None)  # as in the entry: the body sent sets it
    if entry.gzipped is not None and accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = entry.gzipped
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.content = fill_in(request, entry.content, session, entry.csrf)
    return response


def fill_in(request, content: bytes, session: str, csrf: bool) -> bytes:
    """Return ``content`` with this request's CSRF token and session key in their places."""
    if csrf:
        field = b'name="csrfmiddlewaretoken" value="' + get_token(request).encode() + b'"'
        content = content.replace(_CSRF_HOLE, field)
    if session:
        content = content.replace(_SESSION_HOLE, session.encode())
    return content


# Browsers send one of a handful of values: each is read once. Bounded, so values made up to
# fill it only push each other out.
@functools.lru_cache(maxsize=64)
def accepts_gzip(accept_encoding: str) -> bool:
    """Say whether an ``Accept-Encoding`` value takes gzip (RFC 9110: a weight of 0 refuses it)."""
    anything = False
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            return _weight(parameters) > 0
        if coding == "*":
            anything = _weight(parameters) > 0
    return anything


def _weight(parameters: str) -> float:
    """Return the ``q`` of a coding's parameters: 1 without one, 0 for one that isn't a number."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return 0.0
            # An out-of-range or non-finite weight is no weight a client meant: refused.
            return weight if 0 <= weight <= 1 else 0.0
    return 1.0

"""Cached pages answered before the URL resolver, at the addresses already seen to reach them.

A page served from the cache cost more than the bare view mostly in finding its view: the
resolver tries the admin's and the system addresses, then the language prefix, then the site's
own patterns one by one, and builds a match with its route strings at every level, before the
page cache's wrapper even looks for the page. What an address resolves to never changes while
the process runs (the URLconf is fixed, and the language is the address's own), so once an
address has been resolved to a cached public page, ``PageHitMiddleware`` remembers which one
(``page_addresses``: the address and its language → the page's ``HitRoute``) and answers the
next requests for it straight from the cache, as the page's own wrappers would have:

- Only the view ``public_page`` made, as the resolver returned it: a view with a layer of its
  own around that (the search, which counts each search) is never answered here, so nothing
  its layers do is skipped.
- Through the same layers the view has outside its cache (``public_page`` wraps the cache's
  ``hit`` in them): the methods it allows, the CSRF cookie a fragment needs, and any layer
  added there. Only a page the cache holds is answered: anything else (a miss, a preview, a
  method the cache doesn't serve) raises ``Missed`` and goes on to the resolver and the view,
  as before. A database that fails during a hit gets the fault middleware's logged 503 here.
- Only an address whose page answered 200 is remembered.
- The innermost middleware: every other middleware runs on a hit as before. What a hit skips is
  the URL resolver and the middlewares' ``process_view`` (the CSRF check's, which accepts every
  GET and HEAD); ``request.resolver_match`` is not set, and nothing on a hit reads it.

Bounded (``ADDRESSES``, least recently used first out): addresses made up to fill it only push
each other out. Forgotten when the tests start afresh (``page_cache.reset()``) or change the
URLconf or the languages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.core.signals import setting_changed
from django.db import DatabaseError
from django.dispatch import receiver

from .bounded import RecentlyUsed
from .faults import database_fault_response

ADDRESSES = 2000


class Missed(Exception):  # noqa: N818 (a signal, not an error)
    """The cache holds no page for this request: the resolver and the view answer it."""


class HitRoute(NamedTuple):
    """How a cached public page answers a hit without resolving its address."""

    view: Callable  # the view as public_page made it, the one the resolver must return
    # request → the kept page through the same layers the view has outside its cache (allowed
    # methods, the fragment's CSRF cookie, whatever is added there), or raises Missed; with
    # the address's parameters, as the resolver would pass them, once the address is known.
    hit: Callable


def answers_hits(view, *, hit: Callable) -> None:
    """Let ``view``'s hits be answered before the URL resolver: ``hit`` finds the kept page."""
    view.hit_route = HitRoute(view, hit)


# Which cached page each address (in its language) resolved to, the most recent kept.
page_addresses: RecentlyUsed[HitRoute] = RecentlyUsed(ADDRESSES)


@receiver(setting_changed)
def _forget_addresses(setting, **kwargs) -> None:
    """Resolve addresses afresh after a test changes what they resolve to."""
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"):
        page_addresses.clear()


def _address(request) -> tuple[str, str | None]:
    # The language too: the resolver reads the active one, which the address set before.
    return request.path_info, getattr(request, "LANGUAGE_CODE", None)


class PageHitMiddleware:
    """Answer a request for a cached page the cache holds before resolving its address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A middleware that picks a URLconf per request would make the address mean another view.
        per_request_urlconf = hasattr(request, "urlconf")
        if not per_request_urlconf:
            route = page_addresses.get(_address(request))
            if route is not None:
                try:
                    return route.hit(request)
                except Missed:
                    pass
                except DatabaseError as error:
                    # Answered as the view's own fault would be: the 503 page, logged.
                    response = database_fault_response(request, error)
                    if response is None:
                        raise
                    return response
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = getattr(match.func, "hit_route", None) if match is not None else None
        if (
            route is not None
            and route.view is match.func
            and response.status_code == 200
            and not per_request_urlconf
        ):
            # What the page is filed under may depend on its address's parameters (a symptom's
            # slug): the hit gets them as the view does.
            if match.kwargs:
                route = route._replace(hit=functools.partial(route.hit, **match.kwargs))
            page_addresses.put(_address(request), route)
        return response

"""How every public page is rendered and served.

A view renders its whole page, or with htmx just the page's ``main`` partial, from one template
(``render_page``), and carries one decorator, ``public_page``, that wraps it in everything a
public page needs in the one order that works.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import caching, translating
from ..language_codes import SOURCE_BASE_CODE
from ..models import SlugRedirect
from ..page_addresses import answers_hits
from ..previewing import previewing

DEFAULT_DESCRIPTION = gettext_lazy(
    "Step-by-step help to fix common phone problems yourself, quick and safe fixes first."
)
SAFE_METHODS = ("GET", "HEAD")
# What a page is about, for the notice that it is not translated yet: its most specific item.
MAIN_ITEMS = ("step", "question", "symptom", "topic", "known_issue")


def render_page(request, template_name: str, context: dict, *, status: int = 200):
    """Render the whole page, or only its ``main`` partial for an htmx swap."""
    context.setdefault("description", DEFAULT_DESCRIPTION)
    context.setdefault("og_type", "website")
    # The frame makes its own switcher and alternates unless given them (a filled page's): a
    # name the context lacks costs the template engine an exception on every page.
    context.setdefault("switcher_html", "")
    context.setdefault("alternates_html", "")
    context["canonical_url"] = canonical_url(request, context.pop("canonical_path", None))
    if previewing(request):
        context.update(_preview_context(request, context))
    context["untranslated_in"] = untranslated_in(context)
    context["fragment"] = is_fragment(request)
    if context["fragment"]:
        template_name = f"{template_name}#main"
    return TemplateResponse(request, template_name, context, status=status)


def canonical_url(request, path: str | None = None) -> str:
    """Return the page's canonical address, absolute: ``path``, or the request's own."""
    return request.build_absolute_uri(request.path if path is None else path)


def untranslated_in(context: dict) -> str | None:
    """Return the notice's language where the page's most specific item is not translated."""
    shown = next((context[name] for name in MAIN_ITEMS if context.get(name)), None)
    return translating.untranslated_notice(shown)


def is_fragment(request) -> bool:
    """Return whether the page is answered with its ``main`` partial alone (an htmx swap)."""
    # Only through the middleware that answers ``request.htmx``, whose reading this is.
    return hasattr(request, "htmx") and caching.is_htmx_swap(request.META)


def _preview_context(request, context: dict) -> dict:
    """Return what the preview banner needs: what is shown, and where "Stop previewing" goes."""
    shown = next(
        (
            context[name]
            for name in ("symptom", "question", "topic", "known_issue")
            if context.get(name)
        ),
        None,
    )
    # Leaving the preview of something the public can't see yet goes home, not to a 404.
    public = shown is None or shown.is_published
    exit_url = request.get_full_path() if public else reverse("troubleshooting:home")
    return {"previewing": True, "preview_of": shown, "preview_exit_url": exit_url}


def public_page(
    *,
    methods=SAFE_METHODS,
    cache: bool = False,
    query: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    session_param: bool = False,
    vary=("HX-Request",),
    csrf_cookie_for_fragments: bool = False,
):
    """Wrap a public view in what a public page needs, in the one order that works.

    From the outside in: the allowed methods (``methods``); the CSRF cookie for htmx fragments
    (outside the cache, or a page served from it would never set the cookie); the page cache
    (``cache``: the page is filed under the ``query`` parameters the view reads, and the view
    sees only those, and under the htmx ``targets`` it answers differently; with the guided
    fix's session key filled in per person if ``session_param``); ``Vary`` on the htmx headers
    the view branches on (inside the cache, so cached pages keep it); a 301 from a renamed slug
    to the new address; and an editor's preview kept out of every cache.
    """
    if (session_param or query or targets) and not cache:
        raise ValueError("query, targets and session_param are about cached pages: cache=True")
    layers = [require_http_methods(list(methods))]
    if csrf_cookie_for_fragments:
        layers.append(_csrf_cookie_for_fragments)
    page = None
    outside = len(layers)  # the layers before the cache's
    if cache:
        page = caching.cached_page(
            skip_if=previewing, query=query, targets=targets, session_param=session_param
        )
        layers.append(page)
    if vary:
        layers.append(vary_on_headers(*vary))
    layers += [_translated_slugs, _follow_renamed_slugs, _never_cache_previews]

    def decorator(view):
        for layer in reversed(layers):
            view = layer(view)
        if page is not None:
            # A hit answered before the URL resolver goes through the same layers outside the
            # cache as the view (``outside``), whatever they are: only the view is left out.
            hit = page.hit
            for layer in reversed(layers[:outside]):
                hit = layer(hit)
            answers_hits(view, hit=hit)
        return view

    return decorator


def _csrf_cookie_for_fragments(view):
    """Make sure a browser that gets the flow's forms as an htmx fragment has the CSRF cookie.

    Fragments carry no token in their forms: htmx sends the cookie's value as the X-CSRFToken
    header (static/js/site.js), as Django's docs advise for scripts. So a cached fragment is the
    same for everyone, and costs no token per request. Whole pages, which work without
    JavaScript, keep the token in their forms.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        _give_fragment_csrf_cookie(request)
        return response

    return wrapper


def _give_fragment_csrf_cookie(request) -> None:
    """Have the CSRF middleware set its cookie on an htmx fragment's response, if not sent."""
    # From META: request.htmx would build request.headers, on the cached pages' fast path.
    fragment = request.META.get("HTTP_HX_REQUEST") == "true"
    if fragment and settings.CSRF_COOKIE_NAME not in request.COOKIES:
        get_token(request)


def _follow_renamed_slugs(view):
    """Answer a 404 for a slug an editor renamed with a 301 to the same page at its new address.

    An old slug is looked up in the address's language (a translation's renamed slug), then in
    English. The new address is written in that language's slugs at once, every one of them,
    so one redirect lands on the page: never a chain through an English slug.
    """

    @wraps(view)
    def wrapper(request, **kwargs):
        try:
            return view(request, **kwargs)
        except Http404:
            language = translating.active_language()
            renamed = _renamed_slugs(kwargs, language)
            if not renamed:
                raise
            english = {**kwargs, **renamed}
            arguments = translating.address_slugs(english, SOURCE_BASE_CODE, language)
            url = reverse(request.resolver_match.view_name, kwargs=arguments)
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)

    return wrapper


def _renamed_slugs(kwargs: dict, language: str) -> dict:
    """Return the address's slugs that an editor renamed, each as its item's English slug now."""
    return {
        name: current
        for name, model in translating.ADDRESS_SLUGS.items()
        if name in kwargs
        and (current := SlugRedirect.objects.current_slug(model, kwargs[name], language))
    }


def _translated_slugs(view):
    """Find items by their slugs in the address's language; send English slugs to them (301).

    The view always gets English slugs: it fetches the English items and overlays their
    translations. An English slug whose item has no visible translation serves the English page.
    """

    @wraps(view)
    def wrapper(request, **kwargs):
        english, translated = translating.english_slugs(kwargs, preview=previewing(request))
        # Only a page is sent on: a redirected POST would arrive as a GET, its answer lost.
        if translated is not None and request.method in SAFE_METHODS:
            # A slug renamed since is followed here too, so the visitor gets one redirect.
            language = translating.active_language()
            if renamed := _renamed_slugs(english, language):
                translated.update(translating.address_slugs(renamed, SOURCE_BASE_CODE, language))
            url = reverse(request.resolver_match.view_name, kwargs=translated)
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return view(request, **english)

    return wrapper


def _never_cache_previews(view):
    """Keep drafts out of shared caches: a preview is for the editor's eyes only."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if previewing(request):
            add_never_cache_headers(response)
            response.headers["X-Robots-Tag"] = "noindex"
        return response

    return wrapper

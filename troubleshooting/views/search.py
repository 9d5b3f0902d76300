"""The search page, its results swapped in by htmx as people type, and the way into a result."""

from functools import wraps
from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe
from django_htmx.http import replace_url

from .. import caching, translating
from .. import search as search_engine
from ..models import KnownIssue, SearchDocument, Symptom
from .pages import public_page, render_page


def _count_searches(view):
    """Count each search made from the page, outside the page cache, so cached pages count too.

    As-you-type results are not counted: "resta" on the way to "restart" is not a search anyone
    meant. A result opened from them counts its search then (``record_open``).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        typing = request.META.get("HTTP_HX_TARGET") == "search-results"
        if request.method == "GET" and response.status_code == 200 and not typing:
            search_engine.record_search(request)
        return response

    return wrapper


@_count_searches
@public_page(
    cache=True,
    query=("q", "exact"),
    targets=("search-results",),
    vary=("HX-Request", "HX-Target"),
)
def search(request):
    """Show what matches the words typed, or the common problems when nothing was typed."""
    query = request.GET.get("q", "")
    results = search_engine.search(query, exact=request.GET.get("exact") == "1")
    context = {
        "title": _("Search results for “%(query)s”") % {"query": results.query}
        if results.query
        else pgettext("page title", "Search"),
        "description": _("Search the guides by what you see on your screen."),
        "results": results,
        "known_issues": _matching_known_issues(results),
        # Read only when shown (no results), then in the visitor's language.
        "common_symptoms": SimpleLazyObject(_common_symptoms),
    }
    htmx = request.htmx
    if htmx and htmx.target == "search-results" and not htmx.history_restore_request:
        response = TemplateResponse(request, "troubleshooting/search.html#results", context)
        # Keep the address in step with the words typed, without a history entry per keystroke.
        response = replace_url(response, request.get_full_path())
    else:
        response = render_page(request, "troubleshooting/search.html", context)
    if results.terms and not results.hits:
        # Each search that finds nothing is counted for editors, so it must reach the view.
        caching.keep_out_of_cache(response)
    return response


def _common_symptoms() -> list[Symptom]:
    """Return the featured problems, titled and addressed in the visitor's language."""
    symptoms = list(
        Symptom.objects.in_visible_topic()
        .filter(featured=True)
        .select_related("topic")
        .order_by("position", "title")
    )
    translating.overlay(symptoms, [symptom.topic for symptom in symptoms])
    return symptoms


def _matching_known_issues(results):
    """Return the active known issues a search matches: they come first, fixes may not help yet."""
    if not results.terms:
        return KnownIssue.objects.none()
    symptoms = [hit.symptom for hit in results.hits if hit.symptom is not None]
    issues = list(KnownIssue.objects.banners().matching_search(results.terms, symptoms))
    translating.overlay(issues)  # a query only when an issue matched
    return issues


@require_safe
def search_open(request):
    """Count a search result as opened for its query, then lead to it.

    The address names the result by kind and id and is resolved here, so it can only lead to a
    page of this site; a result gone since then leads back to the search.
    """
    query = request.GET.get("q", "")[: search_engine.MAX_QUERY_LENGTH]
    kind, _, object_id = request.GET.get("to", "").partition("-")
    target = _destination(kind, object_id, request.GET.get("in", ""))
    if target is None:
        back = reverse("troubleshooting:search")
        response = HttpResponseRedirect(f"{back}?{urlencode({'q': query})}" if query else back)
    else:
        url, symptom, title = target
        if request.GET.get("go") == "fix" and kind == SearchDocument.Source.SYMPTOM:
            url = symptom.get_flow_url()
        if request.method == "GET":
            search_engine.record_open(query, kind=kind, object_id=int(object_id), title=title)
        response = HttpResponseRedirect(url)
    add_never_cache_headers(response)
    return response


def _destination(kind: str, object_id: str, in_symptom: str):
    """Return (address, symptom, title) of a findable result, or None."""
    if kind not in SearchDocument.Source.values or not object_id.isdigit():
        return None
    language = translating.active_language()
    document = search_engine.findable_documents(language).filter(
        kind=kind, object_id=int(object_id)
    )
    title = document.values_list("title", flat=True).first()
    if title is None:
        return None
    if kind == SearchDocument.Source.SYMPTOM:
        symptom = Symptom.objects.in_visible_topic().select_related("topic").get(pk=object_id)
        translating.overlay(symptom, symptom.topic)
        return symptom.get_absolute_url(), symptom, title
    preferred = [int(in_symptom)] if in_symptom.isdigit() else []
    owner = search_engine.owners(kind, [int(object_id)], preferred)
    symptom, item = owner[int(object_id)]
    return symptom.get_absolute_url() + search_engine.anchor(kind, item.slug), symptom, title

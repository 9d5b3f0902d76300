"""The search page, and its results swapped in by htmx as people type."""

from django.template.response import TemplateResponse
from django_htmx.http import replace_url

from .. import caching
from .. import search as search_engine
from ..models import KnownIssue, Symptom
from .pages import public_page, render_page


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
    common = (
        Symptom.objects.in_visible_topic()
        .filter(featured=True)
        .select_related("topic")
        .order_by("position", "title")
    )
    # An active known issue matching the search comes first: trying fixes may not help yet.
    symptoms = [hit.symptom for hit in results.hits if hit.symptom is not None]
    issues = (
        KnownIssue.objects.banners().matching_search(results.terms, symptoms)
        if results.terms
        else KnownIssue.objects.none()
    )
    title = f"Search results for “{results.query}”" if results.query else "Search"
    context = {
        "title": title,
        "description": "Search the guides by what you see on your screen.",
        "results": results,
        "known_issues": issues,
        "common_symptoms": common,
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

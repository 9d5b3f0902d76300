"""Pages for machines and for editors: health check, robots.txt, sitemap, the preview switch."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ..previewing import PREVIEW_SESSION_KEY, can_preview
from .pages import public_page

logger = logging.getLogger(__name__)

# Django's sitemap view, served from the page cache like every public page.
sitemap = public_page(cache=True, query=("p",), vary=())(django_sitemap)


@never_cache
@require_safe
def health(request):
    """Tell a load balancer whether this app server can serve: its database answers.

    Without its cache it still serves, more slowly (pages are rendered each time): that is
    reported as "degraded" for monitoring, not as a failure that would take every server out
    of rotation at once when a shared Redis goes down.
    """
    checks = {"database": _database_check(), "cache": _cache_check()}
    if checks["database"] != "ok":
        return JsonResponse({"status": "failing", **checks}, status=503)
    status = "ok" if checks["cache"] == "ok" else "degraded"
    return JsonResponse({"status": status, **checks})


def _database_check() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return "failing"
    return "ok"


def _cache_check() -> str:
    try:
        cache.set("health-check", "ok", 10)
        return "ok" if cache.get("health-check") == "ok" else "failing"
    except Exception:  # any backend's connection error; the check must answer, not crash
        logger.exception("Health check: the cache does not answer")
        return "failing"


@require_safe
def robots_txt(request):
    """Keep crawlers out of the admin and point them to the sitemap."""
    sitemap_url = request.build_absolute_uri(reverse("system:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@never_cache
@require_http_methods(["GET", "POST"])
def preview(request):
    """Editors' preview of drafts: the admin's "Preview" links turn it on, the banner off."""
    if not can_preview(request.user):
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("troubleshooting:home")
    if request.method == "POST":
        request.session.pop(PREVIEW_SESSION_KEY, None)
    else:
        request.session[PREVIEW_SESSION_KEY] = True
    return HttpResponseRedirect(next_url, status=303)

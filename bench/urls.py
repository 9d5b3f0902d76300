"""The site's URLs behind a bare view, the baseline every page is compared with in a run."""

from django.http import HttpResponse
from django.urls import path

from helpcenter.urls import urlpatterns as site_urlpatterns

BASELINE_PATH = "/bench/baseline/"


def baseline(request):
    """A few bytes through the same gunicorn, middleware and URL resolver as every page."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path(BASELINE_PATH.strip("/") + "/", baseline),
    # Spread, not included: the site's language-prefixed patterns must sit at the top level.
    *site_urlpatterns,
]

"""The site's URLs behind a bare view, the baseline every page is compared with in a run."""

from django.http import HttpResponse
from django.urls import path

from helpcenter import urls as site_urls

BASELINE_PATH = "/bench/baseline/"


def baseline(request):
    """A few bytes through the same gunicorn, middleware and URL resolver as every page."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path(BASELINE_PATH.strip("/") + "/", baseline),
    # Spread, not included: the language prefixes (i18n_patterns) must be in the root URLconf.
    *site_urls.urlpatterns,
]

handler500 = site_urls.handler500

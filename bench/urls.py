"""The site's URLs behind a bare view, the baseline every page is compared with in a run."""

from django.http import HttpResponse
from django.urls import include, path

BASELINE_PATH = "/bench/baseline/"


def baseline(request):
    """A few bytes through the same gunicorn, middleware and URL resolver as every page."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [
    path(BASELINE_PATH.strip("/") + "/", baseline),
    path("", include("helpcenter.urls")),
]

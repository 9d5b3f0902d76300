from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("troubleshooting.system_urls")),
    # English, the source, keeps the addresses it always had (old links never 404); Spanish and
    # French pages live under /es/ and /fr/. An address without a prefix is always English:
    # never redirected by Accept-Language, so crawlers and shared links land where they point.
    *i18n_patterns(path("", include("troubleshooting.urls")), prefix_default_language=False),
]

# A database fault no view caught still gets the 503 page that says so.
handler500 = "troubleshooting.faults.server_error"

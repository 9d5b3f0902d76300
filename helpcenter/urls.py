from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # English stays unprefixed, so every address people saved keeps working.
    *i18n_patterns(path("", include("troubleshooting.urls")), prefix_default_language=False),
]

# A database fault no view caught still gets the 503 page that says so.
handler500 = "troubleshooting.faults.server_error"

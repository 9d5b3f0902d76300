from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("troubleshooting.urls")),
]

# A database fault no view caught still gets the 503 page that says so.
handler500 = "troubleshooting.faults.server_error"

from django.contrib import admin
from django.urls import include, path

from troubleshooting.admin.content_check import content_check

admin.site.site_header = "Help site editors"
admin.site.site_title = "Help site editors"
admin.site.index_title = "Guides and content"

urlpatterns = [
    # Ahead of the admin's own URLs, whose catch-all would answer first.
    path("admin/content-check/", admin.site.admin_view(content_check), name="content_check"),
    path("admin/", admin.site.urls),
    path("", include("troubleshooting.urls")),
]

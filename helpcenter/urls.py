from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Help site editors"
admin.site.site_title = "Help site editors"
admin.site.index_title = "Guides and content"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("troubleshooting.urls")),
]

"""The project's URLs plus the content check page, wired as ``admin.py`` is meant to wire it."""

from django.contrib import admin
from django.urls import path

from helpcenter.urls import urlpatterns as project_urls
from troubleshooting.admin_checks import content_check

urlpatterns = [
    # Ahead of the admin's own URLs, whose catch-all would otherwise answer first.
    path("admin/content-check/", admin.site.admin_view(content_check), name="content_check"),
    *project_urls,
]

"""Addresses for machines, one of each whatever the language: health check, robots.txt, sitemap.

Outside the language prefixes (``helpcenter/urls.py``): a load balancer, a crawler's
``/robots.txt`` and the sitemap each have one address, and the sitemap lists every language.
"""

from django.urls import path

from .sitemaps import SITEMAPS
from .views import system

app_name = "system"

urlpatterns = [
    path("robots.txt", system.robots_txt, name="robots_txt"),
    path("health/", system.health, name="health"),
    path("sitemap.xml", system.sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

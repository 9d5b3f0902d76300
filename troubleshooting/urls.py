from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import views
from .sitemaps import SITEMAPS

app_name = "troubleshooting"


class StepNumber:
    """A step number as we write it: no leading zero, so each step has one address."""

    regex = "[1-9][0-9]{0,3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(StepNumber, "step")

urlpatterns = [
    # The guided fix's steps first: the most requested pages in a surge, and no other pattern
    # can match an address with "fix" and a step number in these places.
    path(
        "<slug:topic_slug>/<slug:symptom_slug>/fix/<step:number>/",
        views.flow_step,
        name="flow_step",
    ),
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/", views.health, name="health"),
    path("search/", views.search, name="search"),
    path("preview/", views.preview, name="preview"),
    path("sitemap.xml", views.cached(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/fix/", views.flow_start, name="flow_start"),
    path("<slug:topic_slug>/fix/<slug:question_slug>/", views.flow_question, name="flow_question"),
    path("<slug:topic_slug>/<slug:symptom_slug>/", views.symptom, name="symptom"),
    path(
        "<slug:topic_slug>/<slug:symptom_slug>/feedback/",
        views.symptom_feedback,
        name="symptom_feedback",
    ),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/", views.flow_begin, name="flow_begin"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/fixed/", views.flow_fixed, name="flow_fixed"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/end/", views.flow_end, name="flow_end"),
]

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .sitemaps import SITEMAPS

app_name = "troubleshooting"

urlpatterns = [
    path("", views.home, name="home"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("<slug:topic_slug>/", views.topic, name="topic"),
    path("<slug:topic_slug>/fix/", views.flow_start, name="flow_start"),
    path("<slug:topic_slug>/fix/<slug:question_slug>/", views.flow_question, name="flow_question"),
    path("<slug:topic_slug>/<slug:symptom_slug>/", views.symptom, name="symptom"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/", views.flow_begin, name="flow_begin"),
    path(
        "<slug:topic_slug>/<slug:symptom_slug>/fix/<int:number>/",
        views.flow_step,
        name="flow_step",
    ),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/fixed/", views.flow_fixed, name="flow_fixed"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/end/", views.flow_end, name="flow_end"),
]

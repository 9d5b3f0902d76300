"""The public site's addresses, the same in every language: ``/es/`` and ``/fr/`` go before them.

``helpcenter/urls.py`` puts them under ``i18n_patterns``; the addresses for machines (health
check, robots.txt, sitemap) are in ``system_urls.py``, outside the language prefixes.
"""

from django.urls import path, register_converter

from .converters import StepNumber
from .views import article, browse, feedback, flow, known_issues, search, system

app_name = "troubleshooting"

register_converter(StepNumber, "step")

urlpatterns = [
    # Searches first: asked on every visit that starts from a question, often as people type;
    # an exact address, so trying it costs the others one comparison ("search" is a reserved
    # slug: no topic can take it).
    path("search/", search.search, name="search"),
    # The guided fix's steps next: the most requested pages in a surge, and no other pattern
    # can match an address with "fix" and a step number in these places.
    path(
        "<slug:topic_slug>/<slug:symptom_slug>/fix/<step:number>/",
        flow.flow_step,
        name="flow_step",
    ),
    path("", browse.home, name="home"),
    path("search/open/", search.search_open, name="search_open"),
    path("preview/", system.preview, name="preview"),
    path("known-issues/", known_issues.known_issues, name="known_issues"),
    path("known-issues/feed/", known_issues.known_issues_feed, name="known_issues_feed"),
    path(
        "known-issues/summary.json",
        known_issues.known_issues_summary,
        name="known_issues_summary",
    ),
    path("known-issues/<slug:issue_slug>/", known_issues.known_issue, name="known_issue"),
    path("<slug:topic_slug>/", browse.topic, name="topic"),
    path("<slug:topic_slug>/fix/", flow.flow_start, name="flow_start"),
    path("<slug:topic_slug>/fix/<slug:question_slug>/", flow.flow_question, name="flow_question"),
    path("<slug:topic_slug>/<slug:symptom_slug>/", article.symptom, name="symptom"),
    path(
        "<slug:topic_slug>/<slug:symptom_slug>/feedback/",
        feedback.symptom_feedback,
        name="symptom_feedback",
    ),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/", flow.flow_begin, name="flow_begin"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/fixed/", flow.flow_fixed, name="flow_fixed"),
    path("<slug:topic_slug>/<slug:symptom_slug>/fix/end/", flow.flow_end, name="flow_end"),
]

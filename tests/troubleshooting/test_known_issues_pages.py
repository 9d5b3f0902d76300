"""The Known issues pages, the Atom feed and the JSON summary; constant queries everywhere."""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_guide, make_symptom
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting import caching
from troubleshooting.flow import Flow
from troubleshooting.models import IssueState, Status

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_list_shows_current_issues_first_then_resolved_ones_with_their_timelines(client):
    make_issue(title="Old outage", state=IssueState.RESOLVED, updates=["It is fixed now."])
    make_issue(title="Current outage")
    make_issue(title="Draft outage", status=Status.DRAFT)
    page = client.get("/known-issues/").content.decode()
    assert page.index("Current outage") < page.index("Resolved") < page.index("Old outage")
    assert "It is fixed now." in page and "Draft outage" not in page
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert 'rel="alternate" type="application/json"' in page


def test_the_list_says_so_when_there_is_none(client, htmx_headers):
    assert "No known issues right now" in client.get("/known-issues/").content.decode()
    fragment = client.get("/known-issues/", **htmx_headers).content.decode()
    assert "<html" not in fragment and "<h1" in fragment


def test_an_issues_page_has_what_is_known_the_workaround_and_the_timeline(client):
    guide = make_guide(2)
    issue = make_issue(
        symptoms=[guide[1]], ios_versions="18.2, 18.2.1", updates=["We found the cause."]
    )
    page = client.get(issue.get_absolute_url()).content.decode()
    for text in ("What we know", "Send as text message.", "We found the cause.", "18.2.1"):
        assert text in page
    assert guide[1].get_absolute_url() in page
    assert page.count("<h1") == 1


def test_a_resolved_issue_keeps_its_page_and_says_it_is_over(client):
    issue = make_issue(state=IssueState.RESOLVED)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert "This issue is over" in page


def test_drafts_and_unknown_issues_are_404s(client):
    draft = make_issue(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/known-issues/nothing-here/").status_code == 404


def test_the_atom_feed_lists_issues_with_their_updates(client):
    make_issue(
        title="Past", state=IssueState.RESOLVED, updates=["Fixed **now**.<script>x()</script>"]
    )
    make_issue(title="Now <down>")
    response = client.get("/known-issues/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert response["Access-Control-Allow-Origin"] == "*"
    feed = ET.fromstring(response.content)  # noqa: S314 (our own response)
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Now <down> (Investigating)", "Past (Resolved)"]
    summary = [entry.find(f"{ATOM}summary").text for entry in feed.iter(f"{ATOM}entry")][1]
    assert "Fixed <strong>now</strong>." in summary  # HTML, from the sanitized text
    assert "<script" not in summary


def test_the_json_summary_lists_current_issues_as_a_status_page_does(client):
    guide = make_guide(2)
    issue = make_issue(title="Now", symptoms=[guide[1]], updates=["Looking."])
    make_issue(title="Past", state=IssueState.RESOLVED)
    response = client.get("/known-issues/summary.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    summary = json.loads(response.content)
    assert summary["status"] == {"indicator": "minor", "description": "1 known issue"}
    (incident,) = summary["incidents"]
    assert incident["id"] == issue.slug and incident["status"] == "investigating"
    assert incident["url"].endswith(issue.get_absolute_url())
    assert incident["affected"]["symptoms"][0]["name"] == guide[1].title
    assert incident["incident_updates"][0]["body"] == "Looking."


def test_the_json_summary_without_an_issue(client):
    summary = client.get("/known-issues/summary.json").json()
    assert summary["status"] == {"indicator": "none", "description": "No known issues"}
    assert summary["incidents"] == []


def test_the_sitemap_lists_the_known_issues(client):
    issue = make_issue()
    make_issue(status=Status.DRAFT, slug="hidden-issue")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/known-issues/</loc>" in sitemap
    assert issue.get_absolute_url() in sitemap and "hidden-issue" not in sitemap


def test_an_editor_previews_a_draft_issue_and_its_banner(admin_client):
    guide = make_guide(2)
    draft = make_issue(status=Status.DRAFT, title="Draft outage", symptoms=[guide[1]])
    admin_client.get("/preview/", {"next": "/"})
    assert "Draft outage" in admin_client.get(guide[1].get_absolute_url()).content.decode()
    assert admin_client.get(draft.get_absolute_url()).status_code == 200


def public_urls(guide, issue=None):
    topic, symptom, _, question = guide
    flow = Flow.for_symptom(symptom)
    urls = [
        "/",
        topic.get_absolute_url(),
        symptom.get_absolute_url(),
        question.get_absolute_url(),
        flow.step_url(1, ""),
        flow.step_url(2, "n"),
        flow.fixed_url("ny"),
        f"/search/?q={symptom.title.split()[0]}",
        "/known-issues/",
        "/known-issues/feed/",
        "/known-issues/summary.json",
        "/sitemap.xml",
    ]
    return urls + ([issue.get_absolute_url()] if issue else [])


def count_queries(client, urls):
    counts = {}
    for url in urls:
        caching.page_cache.reset()  # rendered afresh, not served from the cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_every_public_page_runs_the_same_queries_with_one_issue_or_many(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    guide = make_guide(3)
    issue = make_issue(symptoms=[guide[1]], topics=[guide[0]], updates=["One.", "Two."])
    one = count_queries(client, public_urls(guide, issue))
    for n in range(5):
        extra = make_symptom(topic=guide[0])
        make_issue(
            symptoms=[guide[1], extra],
            topics=[guide[0]],
            updates=[f"{n}", "more"],
            state=IssueState.RESOLVED if n % 2 else IssueState.MONITORING,
        )
    assert count_queries(client, public_urls(guide, issue)) == one


@pytest.mark.parametrize("with_issue", [False, True], ids=["without", "with"])
def test_every_public_page_stays_within_its_query_budget(client, with_issue, settings):
    settings.PAGE_CACHE_SECONDS = 0
    guide = make_guide(3)
    issue = make_issue(symptoms=[guide[1]], updates=["One."]) if with_issue else None
    for url, count in count_queries(client, public_urls(guide, issue)).items():
        assert count <= 10, url


def test_a_scheduled_end_is_read_by_the_databases_clock(client):
    guide = make_guide(2)
    make_issue(symptoms=[guide[1]], ends_at=timezone.now() + timedelta(hours=1))
    assert 'class="known-issue"' in client.get(guide[1].get_absolute_url()).content.decode()

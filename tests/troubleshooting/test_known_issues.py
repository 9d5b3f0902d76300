"""Known issues: their lifecycle, and banners on exactly the pages they affect."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_guide, make_step, make_symptom, make_topic
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting.flow import Flow
from troubleshooting.models import IssueState, KnownIssue, KnownIssueUpdate, Status

pytestmark = pytest.mark.django_db

BANNER = 'class="known-issue"'


def active_ids():
    return set(KnownIssue.objects.active().values_list("pk", flat=True))


class TestLifecycle:
    def test_a_published_unresolved_issue_is_active(self):
        issue = make_issue()
        assert active_ids() == {issue.pk}
        assert issue.is_active_at(timezone.now())

    @pytest.mark.parametrize(
        "fields",
        [
            {"status": Status.DRAFT},
            {"publish_at": timezone.now() + timedelta(hours=1)},
            {"state": IssueState.RESOLVED},
            {"ends_at": timezone.now() - timedelta(minutes=1)},
        ],
        ids=["draft", "scheduled", "resolved", "ended"],
    )
    def test_drafts_scheduled_resolved_and_ended_issues_are_not(self, fields):
        issue = make_issue(**fields)
        assert active_ids() == set()
        assert not issue.is_active_at(timezone.now())

    def test_it_goes_through_the_usual_states_and_keeps_when_it_was_resolved(self):
        issue = make_issue()
        for state in (IssueState.IDENTIFIED, IssueState.MONITORING):
            issue.state = state
            issue.save()
            assert issue.resolved_at is None and active_ids() == {issue.pk}
        issue.state = IssueState.RESOLVED
        issue.save(update_fields=["state"])
        issue.refresh_from_db()
        assert issue.resolved_at is not None and active_ids() == set()
        issue.state = IssueState.MONITORING  # reopened
        issue.save()
        assert issue.resolved_at is None and active_ids() == {issue.pk}

    def test_updates_build_a_timeline_newest_first_and_date_the_issue(self):
        issue = make_issue()
        old = KnownIssueUpdate.objects.create(
            issue=issue, body="First.", posted_at=timezone.now() - timedelta(hours=2)
        )
        new = KnownIssueUpdate.objects.create(issue=issue, body="Second.")
        assert list(issue.updates.all()) == [new, old]
        annotated = KnownIssue.objects.with_last_update().get()
        assert annotated.last_update_at == new.posted_at
        assert make_issue().last_update_at is not None  # no update yet: when it began

    def test_markdown_is_rendered_and_sanitized_on_save(self):
        issue = make_issue(
            workaround="Use **SMS**.<script>alert(1)</script>[x](javascript:alert(1))"
        )
        update = KnownIssueUpdate.objects.create(issue=issue, body="<img src=x onerror=a()>ok")
        assert "<strong>SMS</strong>" in issue.workaround_html
        assert "<script" not in issue.workaround_html
        assert "javascript:" not in issue.workaround_html
        assert "<img" not in update.body_html and "ok" in update.body_html

    def test_a_slug_its_own_addresses_use_is_refused(self):
        issue = make_issue()
        issue.slug = "feed"
        with pytest.raises(ValidationError, match="used by the site"):
            issue.full_clean()

    def test_what_it_affects(self):
        topic, other_topic = make_topic(), make_topic()
        listed, sibling = make_symptom(topic=topic), make_symptom(topic=topic)
        elsewhere = make_symptom(topic=other_topic)
        by_symptom = make_issue(symptoms=[listed])
        by_topic = make_issue(topics=[other_topic])
        issues = KnownIssue.objects.active()
        assert set(issues.affecting_symptom(listed)) == {by_symptom}
        assert set(issues.affecting_symptom(sibling)) == set()
        assert set(issues.affecting_symptom(elsewhere)) == {by_topic}
        assert set(issues.affecting_topic(topic)) == {by_symptom}
        assert set(issues.affecting_topic(other_topic)) == {by_topic}


@pytest.fixture
def two_guides(db):
    """An affected guide (its symptom is listed by the issue) and an unaffected one."""
    affected = make_guide(3)
    other = make_guide(3)
    return affected, other


def pages(guide):
    topic, symptom, _, question = guide
    flow = Flow.for_symptom(symptom)
    return {
        "topic": topic.get_absolute_url(),
        "article": symptom.get_absolute_url(),
        "flow start": question.get_absolute_url(),
        "step 1": flow.step_url(1, ""),
        "step 2": flow.step_url(2, "n"),
        "fixed": flow.fixed_url("y"),
    }


class TestBanners:
    def test_on_exactly_the_affected_pages(self, client, two_guides):
        affected, other = two_guides
        issue = make_issue(title="iMessage outage", symptoms=[affected[1]])
        shown = {
            name
            for guide, prefix in ((affected, ""), (other, "other "))
            for name, url in {"home": "/", **pages(guide)}.items()
            if BANNER in client.get(url).content.decode()
            for name in [prefix + name]
        }
        assert shown == {"home", "other home", "topic", "article", "flow start", "step 1"}
        article = client.get(affected[1].get_absolute_url()).content.decode()
        assert "Known issue:</span> iMessage outage" in article
        assert issue.get_absolute_url() in article
        step = client.get(pages(affected)["step 1"]).content.decode()
        assert "You may not need to try these steps yet" in step

    def test_a_topic_wide_issue_shows_on_all_its_articles(self, client, two_guides):
        affected, _ = two_guides
        sibling = make_symptom(topic=affected[0], steps=[make_step()])
        make_issue(topics=[affected[0]])
        assert BANNER in client.get(sibling.get_absolute_url()).content.decode()
        assert BANNER in client.get(affected[1].get_absolute_url()).content.decode()

    def test_a_banner_is_a_region_with_a_heading_and_the_latest_update_time(
        self, client, two_guides
    ):
        issue = make_issue(symptoms=[two_guides[0][1]], updates=["Apple confirmed it."])
        page = client.get(two_guides[0][1].get_absolute_url()).content.decode()
        assert f'<section class="known-issue" aria-labelledby="known-issue-{issue.slug}">' in page
        assert f'<h2 id="known-issue-{issue.slug}">' in page
        banner = page.split('<section class="known-issue"')[1].split("</section>")[0]
        assert "role=" not in banner and "aria-live" not in banner  # no interruption
        latest = issue.updates.get().posted_at
        assert f'<time datetime="{latest.isoformat()}' in page

    def test_drafts_resolved_and_ended_issues_show_no_banner(self, client, two_guides):
        symptom = two_guides[0][1]
        for fields in (
            {"status": Status.DRAFT},
            {"state": IssueState.RESOLVED},
            {"ends_at": timezone.now() - timedelta(seconds=1)},
        ):
            make_issue(symptoms=[symptom], **fields)
        assert BANNER not in client.get(symptom.get_absolute_url()).content.decode()
        assert BANNER not in client.get("/").content.decode()

    def test_htmx_fragments_carry_the_banner(self, client, two_guides, htmx_headers):
        make_issue(symptoms=[two_guides[0][1]])
        fragment = client.get(two_guides[0][1].get_absolute_url(), **htmx_headers)
        assert "<html" not in fragment.content.decode()
        assert BANNER in fragment.content.decode()

    def test_search_shows_an_active_issue_first_for_queries_that_match_it(self, client, two_guides):
        symptom = two_guides[0][1]
        make_issue(title="Activation errors after iOS 18.2", symptoms=[symptom])
        page = client.get("/search/", {"q": "activation"}).content.decode()
        assert "Known issue:</span> Activation errors" in page
        by_symptom = client.get("/search/", {"q": symptom.title}).content.decode()
        assert by_symptom.index("Known issue:") < by_symptom.index('class="results"')
        unaffected = two_guides[1][1]
        unaffected.title = "Green bubbles"
        unaffected.save()
        other = client.get("/search/", {"q": "green bubbles"}).content.decode()
        assert "Green bubbles" in other
        assert "Known issue:" not in other

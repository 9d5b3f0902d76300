"""The editors' home: what needs attention, with counts that match the data, and the site's
machinery (accounts, lockouts) kept for administrators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_guide, make_question, make_step, make_symptom
from troubleshooting import roles
from troubleshooting.admin import attention
from troubleshooting.models import (
    ArticleVote,
    FeedbackReason,
    FlowSession,
    Result,
    SearchMiss,
    SearchQuery,
    Status,
    StepAnswer,
)

pytestmark = pytest.mark.django_db

HOME = "/admin/"


@pytest.fixture
def editor_client(client, django_db_setup):
    user = roles.create_editor(username="sam", email="sam@example.org", password="A-long-pass-1")
    client.force_login(user)
    return client


def counts(html: str) -> dict[str, int]:
    """Read each item's count from the page, as a person reads the big numbers."""
    import re

    return {
        key: int(n) for key, n in re.findall(r'id="attention-([a-z]+)" data-count="(\d+)"', html)
    }


def record_answers(step, symptom, results):
    for index, result in enumerate(results):
        session = FlowSession.objects.create(key=f"k{step.pk}-{index}", symptom=symptom)
        StepAnswer.objects.create(session=session, number=1, step=step, result=result)


def test_home_counts_match_the_data(admin_client):
    topic, symptom, steps, _ = make_guide(2)
    make_step(title="Half-written step", status=Status.DRAFT)
    make_symptom(topic=topic, title="Coming soon", publish_at=timezone.now() + timedelta(days=2))
    make_question(topic=topic, prompt="Orphan question?")  # unreachable, and a dead end
    SearchMiss.objects.create(query="green bubble", count=4)
    SearchMiss.objects.create(query="blue tick", count=1)
    SearchQuery.objects.create(query="message sent as email", searches=3, opens=0)
    SearchQuery.objects.create(query="once only", searches=1, opens=0)  # too few to tell
    SearchQuery.objects.create(query="restart", searches=9, opens=4)
    record_answers(steps[0], symptom, [Result.CANT_DO] * 4 + [Result.NOT_FIXED] * 8)
    for n, reason in enumerate([FeedbackReason.choices[0][0], ""]):
        ArticleVote.objects.create(symptom=symptom, voter=f"v{n}", helpful=False, reason=reason)
    ArticleVote.objects.create(symptom=symptom, voter="v9", helpful=True)

    html = admin_client.get(HOME).content.decode()

    found = counts(html)
    assert found["searches"] == 2
    assert found["unopened"] == 1
    assert "“message sent as email”" in html and "3 searches" in html
    assert reverse("admin:troubleshooting_searchquery_gaps") in html
    assert found["drafts"] == 2  # one draft step, one scheduled symptom
    assert found["votes"] == 2
    assert found["steps"] == 1
    assert found["pending"] == 0
    assert found["problems"] == 2  # the orphan question: a dead end, and unreachable
    # Nothing created here was ever reviewed.
    assert found["review"] == 2 + 1 + 2 + 1 + 1 + 2  # steps, draft, symptoms, cause, topic, Qs
    assert "“green bubble”" in html and "4 times" in html
    assert "Half-written step" not in html  # counted, linked by its list
    assert "?status__exact=draft" in html
    assert reverse("admin:content_check") in html
    assert reverse("admin:troubleshooting_topic_triage", args=[topic.pk]) in html
    assert "Outdated translations" in html


def test_home_says_all_is_well_on_an_empty_site(admin_client):
    html = admin_client.get(HOME).content.decode()
    assert set(counts(html).values()) == {0}
    assert "Every search found something." in html
    assert "People open a result of every search made more than once." in html
    assert "Everything published can be reached" in html


def test_home_runs_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    _, symptom, steps, _q = make_guide(2)
    record_answers(steps[0], symptom, [Result.CANT_DO] * 10)
    ArticleVote.objects.create(symptom=symptom, voter="v", helpful=False)
    with django_assert_max_num_queries(40) as few:
        admin_client.get(HOME)
    for _ in range(5):
        topic, symptom, steps, _q = make_guide(3)
        record_answers(steps[0], symptom, [Result.CANT_DO] * 10)
        ArticleVote.objects.create(symptom=symptom, voter="v", helpful=False)
        SearchMiss.objects.create(query=f"miss {symptom.pk}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(HOME)


def test_superusers_see_the_site_machinery_and_editors_do_not(admin_client, editor_client):
    html = admin_client.get(HOME).content.decode()
    assert "Site administration" in html
    assert reverse("admin:auth_user_changelist") in html
    assert reverse("admin:axes_accessattempt_changelist") in html

    html = editor_client.get(HOME).content.decode()
    assert editor_client.get(HOME).status_code == 200
    assert "Site administration" not in html
    assert reverse("admin:auth_user_changelist") not in html
    assert reverse("admin:axes_accessattempt_changelist") not in html
    assert reverse("admin:troubleshooting_symptom_changelist") in html
    assert 'id="attention-problems"' in html


def test_editors_cannot_open_the_machinery_even_with_its_permissions(editor_client):
    from django.contrib.auth.models import Permission, User

    user = User.objects.get(username="sam")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    for name in ("auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"):
        assert editor_client.get(reverse(f"admin:{name}")).status_code == 403
    assert editor_client.get(reverse("admin:app_list", args=["auth"])).status_code == 404


def test_no_pending_changes_is_said_plainly():
    item = attention.pending_changes()
    assert item.count == 0
    assert item.summary == "No changes are waiting for a publisher."


def test_a_step_people_cannot_do_is_flagged_with_their_reasons(admin_client):
    _, symptom, steps, _ = make_guide(2)
    record_answers(steps[0], symptom, [Result.FIXED] * 9 + [Result.CANT_DO])  # fine
    record_answers(steps[1], symptom, [Result.NOT_FIXED] * 12)  # never fixes it
    item = attention.struggling_steps(attention.reports.Period.last(30))
    assert [example.text for example in item.examples] == [steps[1].title]
    assert item.examples[0].note == "fixed 0 of 12 who tried it"

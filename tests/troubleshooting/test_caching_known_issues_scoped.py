"""A known issue's save retires the pages showing its banner, and keeps every other symptom's.

In a surge an issue is updated every few minutes while everyone reads the guided fix: each
update must show at once wherever its banner is (the listings, and the own pages of the symptoms
it names or whose topic it names), and must leave every other symptom's pages kept, or they would
all be rendered again at the worst moment.
"""

import contextlib
import threading

import pytest
from django.db import connection, transaction
from django.utils import translation

from tests.demo_data import load_demo
from tests.factories import make_symptom, make_topic
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.test_caching_scoped import (
    EDITED,
    assert_scoped,
    frame_and_symptoms,
    served_after,
    symptom,
)
from tests.troubleshooting.test_home_listings_stored import a_backend_waits_for_a_lock
from tests.troubleshooting.test_known_issue_translations import translate_issue
from tests.troubleshooting.test_known_issues_admin import form_data
from tests.troubleshooting.test_topic_counts import in_thread
from troubleshooting import caching
from troubleshooting.models import (
    ContentVersion,
    IssueState,
    KnownIssue,
    KnownIssueTranslation,
    KnownIssueUpdate,
    Symptom,
    SymptomTranslation,
    Topic,
)

pytestmark = pytest.mark.django_db
OTHER = "only-one-contact"  # a symptom of the same topic the issue doesn't name


@pytest.fixture
def issue(db):
    load_demo()
    # A second topic, named by the issue: its symptoms show the banner, the demo's others not.
    outage = make_topic(title="Outages", slug="outages")
    for number in (1, 2):
        make_symptom(topic=outage, title=f"Outage {number}", slug=f"outage-{number}")
    issue = make_issue(symptoms=[symptom()], topics=[outage], updates=["We are looking into it."])
    translate_issue(issue)
    return issue


def slugs(*english: str) -> set[str]:
    """Return every address of these symptoms' pages: English and each translation's."""
    translated = SymptomTranslation._base_manager.filter(source__slug__in=english)
    return {*english, *translated.values_list("slug", flat=True)}


def of_topic(slug: str) -> set[str]:
    return slugs(*Symptom._base_manager.filter(topic__slug=slug).values_list("slug", flat=True))


def scoped_now() -> tuple[str, set[str]]:
    """Return the frame token and the symptoms (by slug) the last save gave a new token."""
    frame, symptoms = frame_and_symptoms()
    token = ContentVersion.objects.get().token
    return frame, {slug for slug, held in symptoms.items() if held == token}


def other():
    return Symptom.objects.get(slug=OTHER)


def topic():
    return Topic.objects.get(slug="messages")


def outage():
    return Topic.objects.get(slug="outages")


def post_update(issue):
    KnownIssueUpdate.objects.create(
        issue=issue, state=IssueState.IDENTIFIED, body="Apple has found the cause."
    )


def resolve(issue):
    issue.state = IssueState.RESOLVED
    issue.save()


def retitle(issue):
    issue.title = "Messages fail after the iOS update"
    issue.save()


def edit_translation(issue):
    row = KnownIssueTranslation.objects.get(source=issue)
    row.title = "Caída de iMessage tras la actualización"
    row.save()


def name_another_symptom(issue):
    issue.symptoms.add(other())


def name_it_from_the_symptom(issue):
    other().known_issues.add(issue)


def stop_naming(issue):
    issue.symptoms.remove(symptom())


def stop_naming_from_the_symptom(issue):
    symptom().known_issues.remove(issue)


def name_the_topic(issue):
    issue.topics.add(topic())


def name_it_from_the_topic(issue):
    topic().known_issues.add(issue)


def drop_the_topic(issue):
    issue.topics.remove(outage())


def drop_it_from_the_topic(issue):
    outage().known_issues.remove(issue)


def clear(issue):
    issue.symptoms.clear()


def clear_from_the_symptom(issue):
    symptom().known_issues.clear()


def clear_the_topics(issue):
    issue.topics.clear()


def clear_from_the_topic(issue):
    outage().known_issues.clear()


def shown():
    """The symptoms showing the fixture's issue: the one it names and its topic's."""
    return slugs(EDITED) | of_topic("outages")


# Each edit, and the symptoms whose pages it retires (besides every listing).
EDITS = {
    "update posted": (post_update, shown),
    "resolved": (resolve, shown),
    "title": (retitle, shown),
    "translation": (edit_translation, shown),
    "symptom named": (name_another_symptom, lambda: slugs(OTHER)),
    "symptom named, from it": (name_it_from_the_symptom, lambda: slugs(OTHER)),
    "symptom dropped": (stop_naming, lambda: slugs(EDITED)),
    "symptom dropped, from it": (stop_naming_from_the_symptom, lambda: slugs(EDITED)),
    "topic named": (name_the_topic, lambda: of_topic("messages")),
    "topic named, from it": (name_it_from_the_topic, lambda: of_topic("messages")),
    "topic dropped": (drop_the_topic, lambda: of_topic("outages")),
    "topic dropped, from it": (drop_it_from_the_topic, lambda: of_topic("outages")),
    "symptoms cleared": (clear, lambda: slugs(EDITED)),
    "issues cleared, from the symptom": (clear_from_the_symptom, lambda: slugs(EDITED)),
    "topics cleared": (clear_the_topics, lambda: of_topic("outages")),
    "issues cleared, from the topic": (clear_from_the_topic, lambda: of_topic("outages")),
}


@pytest.mark.parametrize(("edit", "retired"), EDITS.values(), ids=EDITS.keys())
def test_an_issues_change_retires_the_pages_showing_its_banner_alone(issue, edit, retired):
    caching.content_version()  # the row is there, as once any page was served
    frame, _ = frame_and_symptoms()
    token = ContentVersion.objects.get().token
    edit(issue)
    assert ContentVersion.objects.get().token != token  # every listing retired
    assert scoped_now() == (frame, retired())  # every other symptom's pages kept


# The stale check renders every page twice: the edits that reach the pages differently.
STALE_CHECKED = (
    "update posted",
    "translation",
    "symptom named",
    "symptom dropped",
    "topic dropped",
)


@pytest.mark.parametrize("name", STALE_CHECKED)
def test_no_page_is_served_stale_after_an_issues_change(issue, client, monkeypatch, settings, name):
    edit, retired = EDITS[name]
    cached = set()
    kept = served_after(lambda: edit(issue), client, monkeypatch, settings, cached=cached)
    assert_scoped(kept, cached, retired())


def test_an_update_posted_in_the_admin_keeps_other_symptoms_pages(
    issue, client, admin_client, monkeypatch, settings
):
    def post_in_admin():
        updates = list(issue.updates.all())
        data = form_data(symptom(), updates=updates, slug=issue.slug, state=IssueState.IDENTIFIED)
        data |= {
            "updates-TOTAL_FORMS": str(len(updates) + 1),
            f"updates-{len(updates)}-posted_at_0": "2030-01-10",
            f"updates-{len(updates)}-posted_at_1": "12:00:00",
            f"updates-{len(updates)}-state": IssueState.IDENTIFIED,
            f"updates-{len(updates)}-body": "Apple found the cause.",
        }
        url = f"/admin/troubleshooting/knownissue/{issue.pk}/change/"
        assert admin_client.post(url, data).status_code == 302

    kept = served_after(post_in_admin, client, monkeypatch, settings)
    with translation.override(settings.LANGUAGE_CODE):  # the pages served last were in any
        assert "Apple found the cause." in client.get(issue.get_absolute_url()).text
        edited = symptom().get_absolute_url()
        others = [
            item.get_absolute_url() for item in Symptom.objects.visible().exclude(slug=EDITED)
        ]
    assert any(url.startswith(tuple(others)) for url, _htmx in kept)
    assert not any(url.startswith(edited) for url, _htmx in kept)


def test_an_issue_naming_nothing_retires_the_listings_alone(issue):
    caching.content_version()
    frame, _ = frame_and_symptoms()
    make_issue(title="Apple's servers are down")
    assert scoped_now() == (frame, set())
    assert ContentVersion.objects.get().token != frame


def test_an_issues_change_rolled_back_leaves_the_version(issue):
    caching.content_version()
    token = ContentVersion.objects.get().token
    with contextlib.suppress(RuntimeError), transaction.atomic():
        post_update(issue)
        raise RuntimeError
    assert ContentVersion.objects.get().token == token


def test_deleting_an_issue_or_its_update_retires_every_page(issue):
    caching.content_version()
    frame, _ = frame_and_symptoms()
    issue.updates.first().delete()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})
    assert frame_and_symptoms()[0] != frame
    KnownIssue.objects.get().delete()
    assert frame_and_symptoms()[1] == {}


def test_the_pages_retired_are_those_the_banner_shows_on(issue, client):
    # The banner's tag and the cache pick the symptoms showing an issue by one rule each: they
    # must agree, for every symptom, whatever the issue names.
    other_issue = make_issue(topics=[topic()], title="Messages slow everywhere")
    for item in (issue, other_issue):
        showing = set(Symptom._base_manager.filter(caching._showing(item.pk)))
        for each in Symptom.objects.visible().select_related("topic"):
            banners = client.get(each.get_absolute_url()).text
            assert (item.title in banners) is (each in showing), (item.title, each.slug)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_an_issue_saved_while_another_editor_names_a_symptom_retires_that_symptoms_pages(client):
    # The symptoms showing the issue are read once the version's row is locked: the other
    # editor's change, committed by then, is seen, and the page rendered between the two
    # commits (the banner still up) is retired with the others.
    named = make_symptom(title="Named")
    newly_named = make_symptom(title="Named by the other editor")
    issue = make_issue(symptoms=[named], title="Banner that must go")
    caching.content_version()
    added, go, resolved, served = (threading.Event() for _ in range(4))

    def namer():
        with transaction.atomic():  # holds the version's row (its symptom's token) till it commits
            Symptom.objects.get(pk=newly_named.pk).known_issues.add(issue)
            added.set()
            go.wait(10)

    def resolver():
        with transaction.atomic():
            resolve(KnownIssue.objects.get(pk=issue.pk))
            resolved.set()
            served.wait(10)  # a page rendered now shows the banner, uncommitted as it is

    naming_thread, namer_errors = in_thread(namer)
    assert added.wait(10)
    resolving_thread, resolver_errors = in_thread(resolver)
    assert a_backend_waits_for_a_lock()  # the resolve, for the version's row
    go.set()
    assert resolved.wait(10)  # the other editor committed: its row lock was released
    url = Symptom.objects.get(pk=newly_named.pk).get_absolute_url()
    caching.page_cache.forget_version()
    assert issue.title in client.get(url).text  # cached, under the other editor's tokens
    served.set()
    resolving_thread.join(10)
    naming_thread.join(10)
    assert namer_errors == resolver_errors == []
    caching.page_cache.forget_version()
    assert issue.title not in client.get(url).text

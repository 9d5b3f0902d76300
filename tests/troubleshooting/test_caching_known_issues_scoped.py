"""A known issue's save retires the pages showing its banner, and keeps every other symptom's.

In a surge an issue is updated every few minutes while everyone reads the guided fix: each
update must show at once wherever its banner is (the listings, and the own pages of the symptoms
it names or whose topic it names), and must leave every other symptom's pages kept, or they would
all be rendered again at the worst moment.
"""

import contextlib

import pytest
from django.db import transaction
from django.utils import translation

from tests.demo_data import load_demo
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.test_caching_scoped import (
    EDITED,
    frame_and_symptoms,
    pages,
    served_after,
    symptom,
)
from tests.troubleshooting.test_known_issues_admin import form_data
from tests.troubleshooting.translation_factories import translate
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
    issue = make_issue(symptoms=[symptom()], updates=["We are looking into it."])
    translate(
        issue,
        slug="caida-de-imessage",
        title="Caída de iMessage",
        symptoms_seen="Los mensajes se quedan en **Enviando…**.",
        known="Apple lo está investigando.",
        workaround="Envíalo como SMS.",
        updates=["Lo estamos investigando."],
    )
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


def clear(issue):
    issue.symptoms.clear()


def clear_from_the_symptom(issue):
    symptom().known_issues.clear()


# Each edit, and the symptoms whose pages it retires (besides every listing).
EDITS = {
    "update posted": (post_update, lambda: slugs(EDITED)),
    "resolved": (resolve, lambda: slugs(EDITED)),
    "title": (retitle, lambda: slugs(EDITED)),
    "translation": (edit_translation, lambda: slugs(EDITED)),
    "symptom named": (name_another_symptom, lambda: slugs(OTHER)),
    "symptom named, from it": (name_it_from_the_symptom, lambda: slugs(OTHER)),
    "symptom dropped": (stop_naming, lambda: slugs(EDITED)),
    "symptom dropped, from it": (stop_naming_from_the_symptom, lambda: slugs(EDITED)),
    "topic named": (name_the_topic, lambda: of_topic("messages")),
    "topic named, from it": (name_it_from_the_topic, lambda: of_topic("messages")),
    "symptoms cleared": (clear, lambda: slugs(EDITED)),
    "issues cleared, from the symptom": (clear_from_the_symptom, lambda: slugs(EDITED)),
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
STALE_CHECKED = ("update posted", "translation", "symptom named", "symptom dropped", "topic named")


@pytest.mark.parametrize("name", STALE_CHECKED)
def test_no_page_is_served_stale_after_an_issues_change(issue, client, monkeypatch, settings, name):
    edit, retired = EDITS[name]
    cached = set()
    kept = served_after(lambda: edit(issue), client, monkeypatch, settings, cached=cached)
    retired_slugs = retired()
    symptoms = set(Symptom._base_manager.values_list("slug", flat=True))
    languages = {code for code, _name in settings.LANGUAGES}
    for url, headers, english in pages():
        page = (url, bool(headers))
        parts = english.strip("/").split("/")
        if parts[0] in languages:  # an English address in another language's prefix
            parts = parts[1:]
        own = parts[1] if len(parts) > 1 and parts[1] in symptoms else None
        if own is None or own in retired_slugs:  # a listing, or a page showing the change
            assert page not in kept, url
        elif page in cached:
            assert page in kept, url  # another symptom's page: its banner is as it was


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


@pytest.mark.django_db(transaction=True)
def test_an_issues_save_outside_a_transaction_retires_every_page():
    load_demo()
    issue = make_issue(symptoms=[symptom()])
    caching.content_version()
    frame, _ = frame_and_symptoms()
    retitle(issue)
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})
    assert frame_and_symptoms()[0] != frame

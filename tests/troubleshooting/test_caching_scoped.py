"""A save retires the cached pages that may show it, and keeps every other one.

Each edit an editor can make is made to the demo guide with every page of it cached (in English,
Spanish and French, whole and as htmx fragments): every page then served from the cache must be
the page the edited content renders, byte for byte. The pages a save scoped to one symptom leaves
(every other symptom's) must still be served from the cache.
"""

import contextlib
import json
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from bench.page_snapshots import english_urls
from tests.demo_data import load_demo
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.test_admin import admin_url, symptom_form_data
from troubleshooting import caching, review, step_order
from troubleshooting.languages import address_in
from troubleshooting.models import (
    Cause,
    ContentVersion,
    PendingChange,
    Status,
    Symptom,
    SymptomStep,
    SymptomTranslation,
    Topic,
    TriageChoice,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')
HTMX = {"HTTP_HX_REQUEST": "true"}
EDITED = "not-delivered"


@pytest.fixture
def demo(db):
    load_demo()


def pages() -> list[tuple[str, dict, str]]:
    """Return every public page of the demo guide: each language, whole and as a fragment.

    Each with its English address. Pages the cache never keeps (the feedback form, the guided
    fix's end) are left out, and of the steps of a guided fix the first two: the others are
    made by the same code from the same rows, as are the steps reached by "skip" instead of
    "didn't fix it", and a destructive step's confirmation.
    """
    urls = [url for url in english_urls() if _cached_page(url)]
    return [
        (url if language == settings.LANGUAGE_CODE else address_in(url, language), headers, url)
        for url in urls
        for language, _name in settings.LANGUAGES
        for headers in ({}, HTMX)
    ]


def _cached_page(url: str) -> bool:
    if url.endswith("/feedback/") or "/fix/end/" in url or "confirm=" in url or "r=s" in url:
        return False
    step = re.search(r"/fix/(\d+)/", url)
    return step is None or int(step[1]) <= 2


class LookedUp(Exception):  # noqa: N818 (a signal, not an error)
    """The page cache was asked for the page: enough to know whether it would serve it."""


def fetch(client, url: str, headers: dict) -> bytes:
    """Return the page's status and bytes, its form's token left out."""
    response = client.get(url, **headers)
    return f"{response.status_code}\n".encode() + TOKEN.sub(rb'\1TOKEN"', response.content)


def kept_pages(client, monkeypatch, every) -> set:
    """Return the pages the cache would serve now, found without rendering any."""
    found = []
    look_up = caching.page_cache.get

    def asked(key):
        found.append(look_up(key) is not None)
        raise LookedUp

    kept = set()
    with monkeypatch.context() as patched:
        patched.setattr(caching.page_cache, "get", asked)
        for url, headers, _english in every:
            found.clear()
            with contextlib.suppress(LookedUp):
                client.get(url, **headers)
            if any(found):
                kept.add((url, bool(headers)))
    return kept


def served_after(edit, client, monkeypatch, settings, *, cached=None) -> set:
    """Cache every page, make ``edit``, and return the pages the cache still serves after it.

    Each one is checked against a fresh render of the edited content: none may be stale.
    ``cached``: a set to fill with the pages the cache served before the edit.
    """
    every = pages()
    before = {(url, bool(headers)): fetch(client, url, headers) for url, headers, _ in every}
    if cached is not None:
        cached.update(kept_pages(client, monkeypatch, every))
    edit()
    caching.page_cache.forget_version()  # the second has passed: every process sees the save
    kept = kept_pages(client, monkeypatch, every)
    # Rendered afresh, as a process with an empty cache would (the cache's own view of the
    # query: its parameters in their order), then compared with what the cache holds.
    caches["default"].clear()
    caching.page_cache.reset()
    for url, htmx in kept:
        fresh = fetch(client, url, HTMX if htmx else {})
        assert fresh == before[(url, htmx)], f"{url} {'fragment' if htmx else 'page'} served stale"
    return kept


def assert_scoped(kept: set, cached: set, retired: set[str]) -> None:
    """Assert what a scoped edit left kept: no listing, no page of the symptoms it retired
    (by slug), and every other symptom's page the cache held before (at least one)."""
    symptoms = set(Symptom._base_manager.values_list("slug", flat=True))
    languages = {code for code, _name in settings.LANGUAGES}
    others = 0
    for url, headers, english in pages():
        page = (url, bool(headers))
        parts = english.strip("/").split("/")
        if parts[0] in languages:  # an English address in another language's prefix
            parts = parts[1:]
        own = parts[1] if len(parts) > 1 and parts[1] in symptoms else None
        if own is None or own in retired:  # a listing, or a page showing the change
            assert page not in kept, url
        elif page in cached:
            assert page in kept, url  # another symptom's page: nothing of it changed
            others += 1
    assert others


def symptom():
    return Symptom.objects.get(slug=EDITED)


def translation(language="es"):
    return SymptomTranslation.objects.get(source__slug=EDITED, language=language)


def edit_summary():
    item = symptom()
    item.summary += " (Updated.)"
    item.save()


def edit_body():
    item = symptom()
    item.body += "\n\nOne more line."
    item.save()


def edit_translated_summary():
    item = translation()
    item.summary += " (Actualizado.)"
    item.save()


def edit_title():
    item = symptom()
    item.title += " now"
    item.save()


def edit_translated_title():
    item = translation("fr")
    item.title += " maintenant"
    item.save()


def unpublish():
    item = symptom()
    item.status = Status.DRAFT
    item.save()


def schedule():
    item = symptom()
    item.publish_at = timezone.now() + timedelta(days=1)
    item.save()


def delete_translation():
    translation().delete()


def delete_symptom():
    # The triage answers leading to it first (they protect it), as an editor must.
    TriageChoice.objects.filter(symptom__slug="only-one-contact").delete()
    Symptom.objects.get(slug="only-one-contact").delete()


def edit_step():
    step = symptom().steps.order_by("symptom_steps__position").first()
    step.title += " again"
    step.save()


def edit_cause():
    cause = Cause.objects.filter(symptoms__slug=EDITED).first()
    cause.title += " indeed"
    cause.save()


def reorder_steps():
    step_order.put_destructive_steps_last(symptom())
    links = list(SymptomStep.objects.filter(symptom__slug=EDITED).order_by("position"))
    first, second = links[0], links[1]
    SymptomStep.objects.filter(pk=first.pk).update(position=1000)
    SymptomStep.objects.filter(pk=second.pk).update(position=first.position)
    SymptomStep.objects.filter(pk=first.pk).update(position=second.position)
    caching.content_changed()  # update() sends no signal: as the admin's reorder retires


def edit_topic():
    topic = Topic.objects.get(slug="messages")
    topic.title += " and more"
    topic.save()


def edit_question():
    question = TriageQuestion.objects.filter(topic__slug="messages").first()
    question.prompt += " really"
    question.save()


def add_known_issue():
    make_issue(symptoms=[symptom()], title="Messages fail after the update")


EDITS = {
    "symptom summary": edit_summary,
    "symptom text": edit_body,
    "translated summary": edit_translated_summary,
    "symptom title": edit_title,
    "translated title": edit_translated_title,
    "unpublish": unpublish,
    "schedule": schedule,
    "delete translation": delete_translation,
    "delete symptom": delete_symptom,
    "fix step": edit_step,
    "cause": edit_cause,
    "reorder steps": reorder_steps,
    "topic": edit_topic,
    "triage question": edit_question,
    "known issue": add_known_issue,
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_no_page_is_served_stale_after_an_edit(demo, client, monkeypatch, settings, edit):
    served_after(edit, client, monkeypatch, settings)


def test_an_editors_change_in_the_admin_and_its_approval_serve_nothing_stale(
    demo, client, admin_client, monkeypatch, settings
):
    def edit_in_admin():
        item = symptom()
        rows = [(link.pk, link.position, link.step_id) for link in item.symptom_steps.all()]
        data = symptom_form_data(item, rows) | {
            "summary": item.summary + " (Updated.)",
            "aliases": item.aliases,
            "next_moves": item.next_moves,
            "position": item.position,
            "featured": "on" if item.featured else "",
        }
        response = admin_client.post(admin_url(Symptom, "change", item.pk), data)
        assert response.status_code == 302

    served_after(edit_in_admin, client, monkeypatch, settings)


def test_an_approved_change_serves_nothing_stale(
    demo, client, admin_client, monkeypatch, settings, django_user_model
):
    item = symptom()
    editor = django_user_model.objects.get(username="admin")
    base = review.snapshot(item)
    proposed = json.loads(base)
    proposed[0]["fields"]["summary"] += " (Approved.)"
    change = review.propose(obj=item, proposed=json.dumps(proposed), base=base, author=editor)
    served_after(lambda: review.apply(change, user=editor), client, monkeypatch, settings)
    assert PendingChange.objects.get().state == "applied"


@pytest.mark.parametrize(
    "edit", [edit_summary, edit_body, edit_translated_summary, edit_title, edit_translated_title]
)
def test_a_symptoms_own_save_keeps_every_other_symptoms_pages(
    demo, client, monkeypatch, settings, edit
):
    cached = set()
    kept = served_after(edit, client, monkeypatch, settings, cached=cached)
    edited = symptom().get_absolute_url()
    others = [item.get_absolute_url() for item in Symptom.objects.visible().exclude(slug=EDITED)]
    for url, headers, english in pages():
        if english.startswith(edited) or english.count("/") < 3:
            # Its own pages and the pages that list it (home, topics, questions, searches).
            assert (url, bool(headers)) not in kept, url
        elif english.startswith(tuple(others)) and (url, bool(headers)) in cached:
            assert (url, bool(headers)) in kept, url


def test_a_scoped_save_leaves_most_pages_kept_and_others_retire_all(
    demo, client, monkeypatch, settings
):
    every = len(pages())
    kept = served_after(edit_summary, client, monkeypatch, settings)
    assert len(kept) > every // 2
    caching.page_cache.reset()
    assert not served_after(edit_topic, client, monkeypatch, settings)


def test_past_the_bound_a_scoped_save_changes_the_frame(demo, monkeypatch):
    caching.content_version()  # the row is there, as once any page was served
    translations = SymptomTranslation._base_manager.filter(source__slug=EDITED)
    slugs = {EDITED, *translations.values_list("slug", flat=True)}
    monkeypatch.setattr(caching, "SCOPED_SLUGS", len(slugs))
    edit_summary()
    held = json.loads(ContentVersion.objects.get().scoped)
    assert set(held["symptoms"]) == slugs
    frame = held["frame"]
    item = Symptom.objects.exclude(slug=EDITED).first()
    item.summary += "."
    item.save()  # its slugs and the first's are more than the bound
    version = ContentVersion.objects.get()
    assert version.scoped == ""
    assert caching._frame(version.token, version.scoped)[0] != frame


def test_a_token_written_alone_changes_the_frame(demo):
    caching.content_version()
    edit_summary()
    version = ContentVersion.objects.get()
    assert caching._frame(version.token, version.scoped)[1]
    ContentVersion.objects.update(token="written-by-an-older-release")
    assert caching._frame("written-by-an-older-release", version.scoped) == (
        "written-by-an-older-release",
        {},
    )


def frame_and_symptoms() -> tuple[str, dict]:
    version = ContentVersion.objects.get()
    return caching._frame(version.token, version.scoped)


@pytest.fixture
def versioned(demo):
    caching.content_version()  # the row is there, as once any page was served
    return frame_and_symptoms()[0]


def test_a_summary_saved_with_a_new_slug_changes_the_frame(versioned):
    item = symptom()
    item.summary += " (Updated.)"
    item.slug = "not-delivered-now"
    item.save()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def test_a_scoped_save_and_another_in_one_transaction_change_the_frame(versioned):
    with transaction.atomic():
        edit_summary()
        edit_topic()
    assert frame_and_symptoms()[0] not in (versioned, "")
    assert frame_and_symptoms()[1] == {}


def test_a_scoped_save_rolled_back_leaves_the_version(versioned):
    token = ContentVersion.objects.get().token
    with contextlib.suppress(RuntimeError), transaction.atomic():
        edit_summary()
        raise RuntimeError
    assert ContentVersion.objects.get().token == token


def test_a_scoped_save_keeps_the_frame_and_names_every_slug(versioned):
    edit_summary()
    frame, symptoms = frame_and_symptoms()
    slugs = {
        EDITED,
        *SymptomTranslation.objects.filter(source__slug=EDITED).values_list("slug", flat=True),
    }
    assert frame == versioned
    assert set(symptoms) == slugs


def test_unreadable_scoped_tokens_retire_every_page_and_serve_it(client, versioned):
    ContentVersion.objects.update(scoped='{"at": 1')
    caching.page_cache.forget_version()
    assert caching._frame("token", '{"at": 1') == ("token", {})
    assert client.get(symptom().get_absolute_url()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_is_not_scoped():
    # Another writer could change the row between the read of what it was and the save: only a
    # save in a transaction, with the row read locked, is scoped.
    load_demo()
    caching.content_version()
    before = frame_and_symptoms()[0]
    edit_summary()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})
    assert frame_and_symptoms()[0] != before
    with transaction.atomic():
        edit_summary()
    assert frame_and_symptoms()[1]

"""A fix step's or a cause's save retires the pages of the symptoms using it, and keeps the rest.

Steps and causes are shared between symptoms: a correction to one ("Restart your iPhone", in
English or a translation) shows on the articles and guided fixes of the symptoms using it and on
the listings and searches, so every other symptom's pages stay kept.
"""

import threading

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import Client
from django.utils import translation

from tests.demo_data import load_demo
from tests.factories import make_step, make_symptom
from tests.troubleshooting.test_caching_known_issues_scoped import scoped_now
from tests.troubleshooting.test_caching_scoped import (
    EDITED,
    assert_scoped,
    frame_and_symptoms,
    served_after,
)
from tests.troubleshooting.test_flow_edits import follow, set_steps, walk
from tests.troubleshooting.test_home_listings_stored import a_backend_waits_for_a_lock
from tests.troubleshooting.test_topic_counts import in_thread
from troubleshooting import caching
from troubleshooting.models import (
    TRANSLATION_MODELS,
    Cause,
    ContentVersion,
    FixStep,
    Status,
    Symptom,
    SymptomStep,
    SymptomTranslation,
)
from troubleshooting.rules import Severity

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    load_demo()
    caching.content_version()  # the row is there, as once any page was served
    return frame_and_symptoms()[0]


def step() -> FixStep:
    """The edited symptom's step that the fewest other symptoms use."""
    steps = FixStep.objects.filter(symptom_steps__symptom__slug=EDITED)
    return min(steps, key=lambda item: (item.symptom_steps.count(), item.pk))


def cause() -> Cause:
    return Cause.objects.filter(symptom_causes__symptom__slug=EDITED).order_by("pk").first()


def users(**lookup) -> set[str]:
    """Return every address (English and translated) of the symptoms matching ``lookup``."""
    english = set(Symptom._base_manager.filter(**lookup).values_list("slug", flat=True))
    translated = SymptomTranslation._base_manager.filter(source__slug__in=english)
    return english | set(translated.values_list("slug", flat=True))


def of_step() -> set[str]:
    return users(symptom_steps__step=step())


def of_cause() -> set[str]:
    return users(symptom_causes__cause=cause())


def edit_step():
    item = step()
    item.title += " again"
    item.save()


def edit_step_translation():
    item = TRANSLATION_MODELS[FixStep].objects.filter(source=step()).first()
    item.title += " otra vez"
    item.save()


def edit_cause():
    item = cause()
    item.title += " indeed"
    item.save()


def edit_cause_translation():
    item = TRANSLATION_MODELS[Cause].objects.filter(source=cause()).first()
    item.title += " en effet"
    item.save()


EDITS = {
    "step": (edit_step, of_step),
    "step translation": (edit_step_translation, of_step),
    "cause": (edit_cause, of_cause),
    "cause translation": (edit_cause_translation, of_cause),
}


@pytest.mark.parametrize(("edit", "retired"), EDITS.values(), ids=EDITS.keys())
def test_a_shared_rows_save_retires_the_pages_of_the_symptoms_using_it_alone(demo, edit, retired):
    expected = retired()
    assert EDITED in expected and expected != users()  # some symptom doesn't use it
    edit()
    assert scoped_now() == (demo, expected)


def test_a_new_step_retires_the_listings_alone(demo):
    make_step(title="Turn Wi-Fi calling off")
    assert scoped_now() == (demo, set())
    assert ContentVersion.objects.get().token != demo


def test_a_step_given_to_another_symptom_retires_every_page(demo):
    other = Symptom.objects.exclude(symptom_steps__step=step()).first()
    SymptomStep.objects.create(symptom=other, step=step(), position=999)
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def test_a_step_used_by_more_symptoms_than_kept_apart_retires_every_page(demo, monkeypatch):
    monkeypatch.setattr(caching, "SCOPED_SLUGS", len(of_step()) - 1)
    edit_step()
    assert frame_and_symptoms() == (ContentVersion.objects.get().token, {})


def test_no_page_is_served_stale_and_other_symptoms_pages_stay_after_a_steps_edit(
    demo, client, monkeypatch, settings
):
    cached = set()
    kept = served_after(edit_step, client, monkeypatch, settings, cached=cached)
    assert_scoped(kept, cached, of_step())


def test_a_fix_begun_before_a_step_was_removed_shows_that_steps_edits(client):
    # A page made for an earlier list of steps shows a step the symptom no longer uses: it is
    # never kept, so an edit of that step (retiring the pages of the symptoms using it now)
    # shows on it too.
    removed, kept = make_step(title="Restart your iPhone"), make_step(title="Update iOS")
    fixing = make_symptom(steps=[removed, kept])
    make_symptom(steps=[removed])  # still uses it
    url = walk(client, fixing, "n")  # "didn't fix it" at the first step
    set_steps(fixing, [kept])
    at_kept, _page = follow(client, url)
    fixed = client.post(at_kept, {"answer": "y"})["Location"]
    assert "Restart your iPhone" in client.get(fixed).text
    caching.content_version()
    removed.title = "Restart your iPhone or iPad"
    removed.save()
    caching.page_cache.forget_version()
    assert "Restart your iPhone or iPad" in client.get(fixed).text
    # Withdrawn, it no longer counts as tried: the step's address made with it leads on anew.
    removed.status = Status.DRAFT
    removed.save()
    caching.page_cache.forget_version()
    assert client.get(at_kept).status_code == 302


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's in-memory test database is one connection: a page would see the save",
)
@pytest.mark.django_db(transaction=True)
def test_a_translated_page_rendered_during_a_save_made_outside_a_transaction_is_retired(client):
    # An English step's save renders its translations' pieces again (they show its severity).
    # Made in the shell, outside any transaction, the new version must not be seen before they
    # are written: a Spanish page rendered in between would be kept with the old pieces.
    load_demo()
    item = step()
    for translated in item.translations.all():
        translated.save()  # its pieces stored, as the site's are (a bulk copy stores none)
    with translation.override("es"):
        url, page = follow(client, Symptom.objects.get(slug=EDITED).get_absolute_url())
    assert page.status_code == 200

    rendered = []

    def render_in_between(sender, instance, **kwargs):
        thread, errors = in_thread(lambda: rendered.append(Client().get(url).status_code))
        thread.join(10)
        # Served while the save was under way, not after it: a page that waited would be right.
        assert not thread.is_alive()
        assert errors == []

    post_save.connect(render_in_between, sender=FixStep, dispatch_uid="test-in-between")
    try:
        item.severity = Severity.MODERATE if item.severity != Severity.MODERATE else Severity.QUICK
        item.save()
    finally:
        post_save.disconnect(sender=FixStep, dispatch_uid="test-in-between")
    assert rendered == [200]
    caching.page_cache.forget_version()
    served = client.get(url).text
    caches["default"].clear()
    caching.page_cache.reset()
    assert served == client.get(url).text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_steps_save_and_its_translations_save_at_once_both_succeed():
    # The translation's save takes its row, then the content version's. The English save takes
    # the translations' rows first too, so it waits instead of taking the version's row and
    # then waiting for the translation's: no deadlock, and neither editor's save is lost.
    load_demo()
    item = step()
    translated = item.translations.first()
    translated.save()  # its pieces stored, as the site's are
    holding, go = threading.Event(), threading.Event()

    def translator():
        with transaction.atomic():
            row = type(translated).objects.select_for_update().get(pk=translated.pk)
            holding.set()
            go.wait(10)
            row.title = "Traducción corregida"
            row.save()

    def editor():
        english = FixStep.objects.get(pk=item.pk)
        english.severity = next(level for level in Severity if level != english.severity)
        english.save()  # in the shell: no transaction of its own

    translating, translator_errors = in_thread(translator)
    assert holding.wait(10)
    editing, editor_errors = in_thread(editor)
    assert a_backend_waits_for_a_lock()  # the editor, for the translation's row
    go.set()
    translating.join(20)
    editing.join(20)
    assert translator_errors == editor_errors == []
    translated.refresh_from_db()
    assert translated.title == "Traducción corregida"
    assert FixStep.objects.get(pk=item.pk).severity != item.severity

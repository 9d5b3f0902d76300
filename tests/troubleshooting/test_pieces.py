"""Pre-rendered pieces: stored on save, used only while exactly what the page would render."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import NotSupportedError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_guide, make_step
from tests.troubleshooting.translation_factories import translate
from troubleshooting import caching, pieces
from troubleshooting.languages import address_in
from troubleshooting.models import (
    Cause,
    CauseTranslation,
    FixStep,
    FixStepTranslation,
    Status,
    SymptomStep,
)
from troubleshooting.rules import Severity
from troubleshooting.translating import overlay

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def as_page_has_it(model, language):
    """Return every item of ``model`` as a page in ``language`` has it: translation overlaid."""
    items = list(model.objects.order_by("pk"))
    with translation.override(language):
        overlay(items)
    return items


def test_the_article_and_a_step_use_stored_pieces(client, htmx_headers, live_renders):
    _, symptom, steps, _ = make_guide(3, destructive_last=True)
    page = client.get(symptom.get_absolute_url()).text
    for step in steps:
        assert f'<h3 id="step-{step.slug}">{step.title}</h3>' in page
    assert 'id="step-4"' in page  # the number is the page's own
    flow_step = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 1])
    assert client.get(flow_step, **htmx_headers).status_code == 200
    assert live_renders == []


def test_the_cant_do_block_is_kept_per_language_and_a_refused_note_shows_its_error(client):
    _, symptom, _steps, _ = make_guide(2)
    step_1 = reverse("troubleshooting:flow_step", args=[symptom.topic.slug, symptom.slug, 1])
    english = client.get(step_1).text
    assert "I can't do this step" in english
    spanish = client.get(address_in(step_1, "es"), follow=True).text
    assert "No puedo hacer este paso" in spanish
    block = re.compile(r'<details class="cant-do".*?</details>', re.S)
    assert block.search(client.get(step_1).text)[0] == block.search(english)[0]
    refused = client.post(step_1, {"answer": "c", "note": "x" * 201})
    assert refused.status_code == 400
    assert '<details class="cant-do" open>' in refused.text
    assert "200 characters" in refused.text


def test_a_piece_from_another_release_is_not_used(client, live_renders):
    _, symptom, steps, _ = make_guide(2)
    english = {**steps[0].pieces["en-gb"], "article": "<p>Old release</p>"}
    stale = {**steps[0].pieces, "stamp": "another-release", "en-gb": english}
    FixStep.objects.filter(pk=steps[0].pk).update(pieces=stale)
    page = client.get(symptom.get_absolute_url()).text
    assert "Old release" not in page
    assert f'<h3 id="step-{steps[0].slug}">{steps[0].title}</h3>' in page
    assert (steps[0].slug, "article") in live_renders


def test_a_row_written_without_save_is_rendered_live(client, live_renders):
    _, symptom, steps, _ = make_guide(2)
    FixStep.objects.filter(pk=steps[0].pk).update(title="Restart your iPhone")
    page = client.get(symptom.get_absolute_url()).text
    assert f'<h3 id="step-{steps[0].slug}">Restart your iPhone</h3>' in page
    assert live_renders == [(steps[0].slug, "article")]


def test_a_save_renders_the_pieces_again(client, live_renders):
    _, symptom, steps, _ = make_guide(2)
    step = steps[0]
    step.title = "Turn Wi-Fi off and on again"
    step.severity = Severity.DISRUPTIVE
    step.save(update_fields=["title", "severity"])
    stored = FixStep.objects.get(pk=step.pk).pieces["en-gb"]
    assert "Turn Wi-Fi off and on again" in stored["article"]
    assert "Safe to try" not in stored["article"]
    assert "Turn Wi-Fi off and on again" in client.get(symptom.get_absolute_url()).text
    assert live_renders == []


def test_a_translation_save_renders_its_pieces_in_its_language(client, live_renders):
    _, symptom, steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom)
    step_translation = translate(steps[0], title="Reinicia el iPhone")
    cause = symptom.causes.get()
    translate(cause)
    assert "Reinicia el iPhone" in step_translation.pieces["es"]["article"]
    assert "sin miedo" in step_translation.pieces["es"]["article"]  # its interface words too
    step_translation.title = "Apaga y enciende el iPhone"
    step_translation.save()
    stored = FixStepTranslation.objects.get(pk=step_translation.pk).pieces["es"]
    assert "Apaga y enciende el iPhone" in stored["article"]
    with translation.override("es"):
        page = client.get(symptom.get_absolute_url(), follow=True).text
    assert "Apaga y enciende el iPhone" in page
    assert live_renders == []
    assert CauseTranslation.objects.get(source=cause).pieces["stamp"]


def test_an_english_save_renders_its_translations_pieces_again(client, live_renders):
    _, symptom, steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom), translate(symptom.causes.get())
    step_translation = translate(steps[0])
    steps[0].minutes = 30
    steps[0].save()
    stored = FixStepTranslation.objects.get(pk=step_translation.pk).pieces["es"]
    assert "30 minutos" in stored["article"]
    with translation.override("es"):
        assert "30 minutos" in client.get(symptom.get_absolute_url(), follow=True).text
    assert live_renders == []


def test_a_save_of_fields_no_piece_shows_leaves_the_pieces_alone():
    _, symptom, steps, _ = make_guide(1)
    step_translation = translate(steps[0])
    FixStepTranslation.objects.filter(pk=step_translation.pk).update(pieces={"stamp": "kept"})
    steps[0].minutes = 30  # in memory only: the save below writes the review date alone
    steps[0].save(update_fields=["reviewed_on", "updated"])
    assert FixStepTranslation.objects.get(pk=step_translation.pk).pieces == {"stamp": "kept"}
    steps[0].save(update_fields=["minutes"])
    stored = FixStepTranslation.objects.get(pk=step_translation.pk).pieces
    assert "30 minutos" in stored["es"]["article"]


def test_an_untranslated_step_on_a_translated_page_is_rendered_live_once(
    client, live_renders, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # both requests reach the view
    _, symptom, steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom), translate(symptom.causes.get())
    with translation.override("es"):
        page = client.get(symptom.get_absolute_url(), follow=True).text
        again = client.get(symptom.get_absolute_url(), follow=True).text
    assert steps[0].title in page
    assert "sin miedo" in page  # the English text amid the page's Spanish words
    assert again == page
    # Kept under the content version: the next Spanish article needs no render (nor query).
    assert live_renders == [(steps[0].slug, "article")]


def test_a_scheduled_step_appears_at_its_time_without_a_save(client, live_renders):
    _, symptom, _steps, _ = make_guide(1)
    late = make_step(title="Reset the network settings")
    late.publish_at = timezone.now() + timedelta(days=1)
    late.save()
    SymptomStep.objects.create(symptom=symptom, step=late, position=2)
    assert late.title not in client.get(symptom.get_absolute_url()).text
    # Nothing saved, no piece rendered: only the time passed.
    FixStep.objects.filter(pk=late.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    caching.page_cache.reset()
    assert late.title in client.get(symptom.get_absolute_url()).text
    assert live_renders == []


def test_the_preview_shows_a_draft_step_from_its_pieces(admin_client, live_renders):
    admin_client.get(reverse("troubleshooting:preview"), {"next": "/"})
    _, symptom, _steps, _ = make_guide(1)
    draft = make_step(title="A draft step", status=Status.DRAFT)
    SymptomStep.objects.create(symptom=symptom, step=draft, position=2)
    page = admin_client.get(symptom.get_absolute_url()).text
    assert f'<h3 id="step-{draft.slug}">A draft step</h3>' in page
    assert live_renders == []


def test_the_release_pieces_carry_follows_templates_and_catalogues(settings, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "locale").mkdir()
    catalogue = tmp_path / "locale" / "django.mo"
    catalogue.write_bytes(b"one")
    settings.BASE_DIR, settings.LOCALE_PATHS = tmp_path, [tmp_path / "locale"]
    caching.rendering_release.cache_clear()
    try:
        first = caching.rendering_release()
        catalogue.write_bytes(b"two")
        caching.rendering_release.cache_clear()
        assert caching.rendering_release() != first
    finally:
        caching.rendering_release.cache_clear()


def test_render_content_renders_the_pieces_of_rows_loaded_raw():
    _, symptom, steps, _ = make_guide(1)
    FixStep.objects.update(pieces={})
    Cause.objects.update(pieces={})
    call_command("render_content", pieces_only=True, verbosity=0)
    step = FixStep.objects.get(pk=steps[0].pk)
    with translation.override(settings.LANGUAGE_CODE):
        assert pieces.Pieces(step).stored["article"] == pieces._render(step, "article")
    assert Cause.objects.get().pieces["en-gb"]["article"].startswith('<li id="cause-')


# The demo guide stays loaded for the rest of the module: these come last.


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_piece_is_the_live_rendering(demo_content, language):
    call_command("render_content", pieces_only=True, verbosity=0)
    for model in (FixStep, Cause):
        items = as_page_has_it(model, language)
        assert items
        with translation.override(language):
            for item in items:
                found = pieces.Pieces(item)
                # The demo guide is translated whole: every piece is a stored one.
                assert found.stored, (model, item.slug)
                for name in pieces._kind(item)[0]:
                    assert found[name] == pieces._render(item, name), (item.slug, name)
                    # Their stamp leaves out the static files' names, so they must name none.
                    assert settings.STATIC_URL not in found[name], (item.slug, name)


def test_pieces_are_not_content(demo_content):
    """Never in fixtures, history or review snapshots: they belong to one release."""
    from django.core import serializers

    data = serializers.serialize("json", FixStep.objects.all()[:1])
    assert "pieces" not in data


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's compression")
def test_a_steps_pieces_are_stored_compressed_with_lz4_where_the_server_has_it():
    # Every read of a value in the pieces decompresses them whole: lz4 does it faster than pglz.
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("CREATE TEMPORARY TABLE has_lz4 (value text COMPRESSION lz4)")
        except NotSupportedError:
            pytest.skip("This PostgreSQL was built without lz4.")
        step = make_step(instructions="\n\n".join(f"{n}. Tap **Settings**." for n in range(60)))
        cursor.execute(
            "SELECT pg_column_compression(pieces) FROM troubleshooting_fixstep WHERE id = %s",
            [step.pk],
        )
        assert cursor.fetchone() == ("lz4",)
        # Every model's pieces, however many there are: a new one, or a later migration that
        # alters the column's type (which resets its compression), would leave pglz.
        tables = sorted(
            model._meta.db_table
            for model in apps.get_app_config("troubleshooting").get_models()
            if any(field.name == "pieces" for field in model._meta.concrete_fields)
        )
        assert len(tables) >= 4
        cursor.execute(
            "SELECT attrelid::regclass::text, attcompression FROM pg_attribute"
            " WHERE attname = 'pieces' AND attrelid::regclass::text = ANY(%s) ORDER BY 1",
            [tables],
        )
        assert cursor.fetchall() == [(table, "l") for table in tables]

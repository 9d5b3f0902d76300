"""Stored pieces trusted by their stamp alone: every write path leaves none that shows old text.

A page compares a piece's stamp (the release) and picks the page's language: it never reads
the fields a piece was made from. So each way a row can change either renders its pieces again
or empties them; each test here changes a shown field one way and reads the page.
"""

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import make_guide, make_step
from tests.troubleshooting.translation_factories import translate
from troubleshooting import pieces, review
from troubleshooting.flow import Flow
from troubleshooting.languages import address_in
from troubleshooting.models import (
    Cause,
    CauseTranslation,
    FixStep,
    FixStepTranslation,
    Status,
    SymptomStep,
)
from troubleshooting.prepared import logged_sql
from troubleshooting.rules import Severity

pytestmark = pytest.mark.django_db


def heading(step, title=None) -> str:
    return f'<h3 id="step-{step.slug}">{title or step.title}</h3>'


def spanish(client, url: str) -> str:
    return client.get(address_in(url, "es"), follow=True).text


def page_queries(queries) -> list[str]:
    """Return the SQL a page ran, without the content version's check (which tests read often)."""
    sqls = [logged_sql(query["sql"]) for query in queries]
    return [sql for sql in sqls if "contentversion" not in sql]


# What the article reads -------------------------------------------------------------------


def test_the_article_reads_its_steps_and_causes_as_stamps_and_blocks_only(
    client, settings, live_renders
):
    settings.PAGE_CACHE_SECONDS = 0
    _, symptom, steps, _ = make_guide(3)
    client.get(symptom.get_absolute_url())  # the content version and kept data, read once
    with CaptureQueriesContext(connection) as queries:
        page = client.get(symptom.get_absolute_url()).text
    reads = [sql for sql in page_queries(queries) if "troubleshooting_fixstep" in sql]
    assert len(reads) == 1
    # Neither the Markdown, nor its HTML, nor any field a block is made from: only the block.
    for column in ("instructions", "warning", "title", "severity", "minutes"):
        assert f'"troubleshooting_fixstep"."{column}"' not in reads[0]
    assert all(heading(step) in page for step in steps)
    assert live_renders == []


def test_a_row_holds_its_blocks_under_its_language_with_the_release():
    _, _symptom, steps, _ = make_guide(1)
    step_translation = translate(steps[0])
    stored = FixStep.objects.get(pk=steps[0].pk).pieces
    assert set(stored) == {"stamp", "en-gb"}
    assert stored["stamp"] == pieces.stamp()
    assert set(stored["en-gb"]) == {"article", "meta", "warning", "body"}
    assert "Safe to try" in stored["en-gb"]["article"]
    assert set(FixStepTranslation.objects.get(pk=step_translation.pk).pieces) == {"stamp", "es"}


def test_a_stale_step_on_the_flow_page_is_rendered_live(client, htmx_headers, live_renders):
    _, symptom, steps, _ = make_guide(2)
    FixStep.objects.filter(pk=steps[1].pk).update(instructions_html="<p>Hold the button.</p>")
    page = client.get(Flow.for_symptom(symptom).step_url(2, "n"), **htmx_headers).text
    assert "Hold the button." in page
    assert (steps[1].slug, "body") in live_renders


def test_a_bulk_write_of_a_shown_field_retires_the_cached_pages(client):
    _, symptom, steps, _ = make_guide(1)
    before = client.get(symptom.get_absolute_url()).text
    FixStep.objects.filter(pk=steps[0].pk).update(title="Check the date and time")
    after = client.get(symptom.get_absolute_url()).text
    assert after != before
    assert heading(steps[0], "Check the date and time") in after


# Writes that skip save() ------------------------------------------------------------------


def test_bulk_update_of_a_shown_field_empties_the_pieces(client, live_renders):
    _, symptom, steps, _ = make_guide(2)
    steps[0].title = "Restart the phone"
    FixStep.objects.bulk_update([steps[0]], ["title"])
    assert FixStep.objects.get(pk=steps[0].pk).pieces == {}
    assert heading(steps[0], "Restart the phone") in client.get(symptom.get_absolute_url()).text
    assert live_renders == [(steps[0].slug, "article")]


def test_update_of_fields_no_piece_shows_keeps_them(client, live_renders):
    _, symptom, steps, _ = make_guide(2)
    kept = FixStep.objects.get(pk=steps[0].pk).pieces
    FixStep.objects.filter(pk=steps[0].pk).update(checked_on_ios="18.2", status=Status.PUBLISHED)
    assert FixStep.objects.get(pk=steps[0].pk).pieces == kept
    client.get(symptom.get_absolute_url())
    assert live_renders == []


def test_an_english_update_empties_its_translations_pieces(client, live_renders):
    _, symptom, steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom), translate(symptom.causes.get())
    step_translation = translate(steps[0])
    assert "30 minutos" not in step_translation.pieces["es"]["article"]
    FixStep.objects.filter(pk=steps[0].pk).update(minutes=30)
    assert FixStepTranslation.objects.get(pk=step_translation.pk).pieces == {}
    assert "30 minutos" in spanish(client, symptom.get_absolute_url())


def test_a_translation_update_empties_its_pieces(client, live_renders):
    _, symptom, _steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom)
    cause_translation = translate(symptom.causes.get())
    CauseTranslation.objects.filter(pk=cause_translation.pk).update(title="Sin conexión")
    cause = symptom.causes.get()
    assert "<strong>Sin conexión</strong>" in spanish(client, symptom.get_absolute_url())
    assert (cause.slug, "article") in live_renders


def test_a_bulk_copy_carries_no_piece(client, live_renders):
    _, symptom, steps, _ = make_guide(1)
    original = FixStep.objects.get(pk=steps[0].pk)
    copy = FixStep(
        **{
            field.attname: getattr(original, field.attname)
            for field in FixStep._meta.concrete_fields
            if not field.primary_key
        }
    )
    copy.slug = "a-copy"
    (created,) = FixStep.objects.bulk_create([copy])
    assert FixStep.objects.get(pk=created.pk).pieces == {}
    SymptomStep.objects.create(symptom=symptom, step=created, position=2)
    assert heading(created) in client.get(symptom.get_absolute_url()).text
    assert live_renders == [("a-copy", "article")]


def test_a_fixture_loaded_raw_brings_no_piece(client, live_renders, tmp_path):
    _, symptom, steps, _ = make_guide(1)
    data = serializers.serialize("json", FixStep.objects.filter(pk=steps[0].pk))
    fixture = tmp_path / "step.json"
    fixture.write_text(data.replace(steps[0].title, "Reset the keyboard dictionary"))
    call_command("loaddata", str(fixture), verbosity=0)
    assert FixStep.objects.get(pk=steps[0].pk).pieces == {}
    page = client.get(symptom.get_absolute_url()).text
    assert heading(steps[0], "Reset the keyboard dictionary") in page


def test_render_content_stores_them_again_after_a_raw_load(client, live_renders):
    _, symptom, steps, _ = make_guide(1)
    FixStep.objects.filter(pk=steps[0].pk).update(title="Update iOS")
    call_command("render_content", pieces_only=True, verbosity=0)
    assert "Update iOS" in FixStep.objects.get(pk=steps[0].pk).pieces["en-gb"]["article"]
    assert heading(steps[0], "Update iOS") in client.get(symptom.get_absolute_url()).text
    assert live_renders == []


# Writes through save() --------------------------------------------------------------------


def test_an_approved_change_renders_the_pieces_again(client, admin_user, live_renders):
    _, symptom, steps, _ = make_guide(1)
    base = review.snapshot(steps[0])
    changed = FixStep.objects.get(pk=steps[0].pk)
    changed.title = "Sign out of iMessage and back in"
    proposed = serializers.serialize("json", [changed])
    change = review.propose(obj=steps[0], proposed=proposed, base=base, author=admin_user)
    review.apply(change, user=admin_user)
    page = client.get(symptom.get_absolute_url()).text
    assert heading(steps[0], "Sign out of iMessage and back in") in page
    assert live_renders == []


def test_the_admins_publish_action_shows_the_step_from_its_pieces(
    admin_client, client, live_renders
):
    _, symptom, _steps, _ = make_guide(1)
    draft = make_step(title="Check Screen Time limits", status=Status.DRAFT)
    SymptomStep.objects.create(symptom=symptom, step=draft, position=2)
    admin_client.post(
        reverse("admin:troubleshooting_fixstep_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert FixStep.objects.get(pk=draft.pk).status == Status.PUBLISHED
    assert heading(draft) in client.get(symptom.get_absolute_url()).text
    assert live_renders == []


def test_an_admin_save_of_a_severity_renders_the_article_and_its_translation(client):
    _, symptom, steps, _ = make_guide(1)
    translate(symptom.topic), translate(symptom), translate(symptom.causes.get())
    translate(steps[0])
    steps[0].severity = Severity.DISRUPTIVE
    steps[0].save()
    assert "Safe to try" not in client.get(symptom.get_absolute_url()).text
    assert "sin miedo" not in spanish(client, symptom.get_absolute_url())


def test_the_demo_load_renders_every_article_from_stored_pieces(client, live_renders):
    call_command("load_demo", verbosity=0)
    for symptom in symptom_pages():
        for language in ("en-gb", "es", "fr"):
            with translation.override(language):
                url = address_in(symptom, language)
                assert client.get(url, follow=True).status_code == 200, url
    assert live_renders == []
    assert Cause.objects.exclude(pieces__has_key="stamp").count() == 0


def symptom_pages() -> list[str]:
    from troubleshooting.models import Symptom

    return [symptom.get_absolute_url() for symptom in Symptom.objects.visible()]

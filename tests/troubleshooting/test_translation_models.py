"""Translations: their own state, the same limits as the English, and when they are outdated."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import make_choice, make_question, make_step, make_symptom, make_topic
from troubleshooting.models import (
    FixStepTranslation,
    Severity,
    Status,
    SymptomTranslation,
    TriageQuestionTranslation,
)

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def test_a_translation_renders_its_markdown_once_on_save_and_sanitized():
    symptom = make_symptom()
    translation = translate(symptom, body="Lo que *significa* <script>alert(1)</script>")
    assert "<em>significa</em>" in translation.body_html
    assert "<script>" not in translation.body_html


def test_a_translation_has_its_own_state_and_schedule():
    symptom = make_symptom()
    published = translate(symptom, "es")
    draft = translate(symptom, "fr", status=Status.DRAFT)
    later = timezone.now() + datetime.timedelta(days=1)
    assert list(SymptomTranslation.objects.in_language("es")) == [published]
    assert not SymptomTranslation.objects.in_language("fr").exists()
    assert list(SymptomTranslation.objects.in_language("fr", preview=True)) == [draft]
    draft.status, draft.publish_at = Status.PUBLISHED, later
    draft.save()
    assert not SymptomTranslation.objects.in_language("fr").exists()
    assert not draft.is_published


def test_one_translation_per_item_and_language_and_slugs_unique_per_language():
    first, second = make_symptom(), make_symptom()
    translate(first, "es", slug="no-entregado")
    with pytest.raises(IntegrityError), transaction.atomic():
        translate(first, "es", slug="otro")
    with pytest.raises(IntegrityError), transaction.atomic():
        translate(second, "es", slug="no-entregado")
    assert translate(second, "fr", slug="no-entregado").slug == "no-entregado"


def test_the_english_limits_hold_for_the_translation():
    translation = SymptomTranslation(
        source=make_symptom(),
        language="es",
        slug="admin",
        title="x" * 121,
        summary="Resumen.",
        body="Texto.",
    )
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert {"slug", "title"} <= set(error.value.message_dict)


def test_a_published_translation_needs_every_text_the_english_has():
    step = make_step(severity=Severity.DESTRUCTIVE)
    translation = translate(step, warning="", status=Status.DRAFT)
    translation.full_clean()  # a draft may be unfinished
    translation.status = Status.PUBLISHED
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert "translate it before publishing" in error.value.message_dict["warning"][0]


def test_a_settings_path_keeps_the_english_levels():
    step = make_step(settings_path="Settings > Messages > Send & Receive")
    translation = translate(step, settings_path="Ajustes > Mensajes")
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert "different number of levels" in error.value.message_dict["settings_path"][0]
    translation.settings_path = "Ajustes > Mensajes > Enviar y recibir"
    translation.full_clean()


def test_a_slug_that_is_another_items_english_slug_is_refused():
    one, other = make_symptom(slug="stuck"), make_symptom(slug="other")
    translation = translate(one, slug="other")
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert "two pages" in error.value.message_dict["slug"][0]
    assert other.slug == "other"


def test_answers_are_translated_once_each_in_the_english_order():
    question = make_question(topic=make_topic())
    make_choice(question=question, label="Sending…", symptom=make_symptom())
    make_choice(question=question, label="Not Delivered", hint="red !", symptom=make_symptom())
    translation = translate(question)
    assert [choice["label"] for choice in translation.choices] == [
        "[es] Sending…",
        "[es] Not Delivered",
    ]
    translation.full_clean()
    translation.choices = [{"label": "Enviando…"}]
    with pytest.raises(ValidationError) as error:
        translation.full_clean()
    assert "2 answers" in error.value.message_dict["choices"][0]
    translation.choices = [{"label": "Enviando…", "colour": "red"}, {"label": ""}]
    with pytest.raises(ValidationError):
        translation.full_clean()


def test_a_translation_is_outdated_once_the_english_changes_until_marked_up_to_date():
    symptom = make_symptom()
    translation = translate(symptom)
    assert not translation.is_outdated
    symptom.body = "A new explanation."
    symptom.save()
    translation.refresh_from_db()
    assert translation.is_outdated
    translation.mark_up_to_date()
    translation.save()
    translation.refresh_from_db()
    assert not translation.is_outdated
    assert translation.source_snapshot["body"] == "A new explanation."


def test_a_new_answer_in_english_makes_the_question_translation_outdated():
    question = make_question(topic=make_topic())
    make_choice(question=question, label="Sending…", symptom=make_symptom())
    translation = translate(question)
    assert not translation.is_outdated
    make_choice(question=question, label="Not Delivered", symptom=make_symptom())
    assert TriageQuestionTranslation.objects.get().is_outdated
    assert "choices" in translation.missing_texts()


def test_a_structural_change_does_not_make_a_translation_outdated():
    step = make_step()
    translation = translate(step)
    step.minutes = 15
    step.save()
    assert not FixStepTranslation.objects.get(pk=translation.pk).is_outdated

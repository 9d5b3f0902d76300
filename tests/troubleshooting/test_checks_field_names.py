"""Content-check problems name a field as the editor's form labels it, in the editor's language."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_guide, make_step, make_symptom
from troubleshooting.content_checks import ProblemKind, check_content
from troubleshooting.content_checks.problems import field_name
from troubleshooting.models import (
    FixStep,
    FixStepTranslation,
    Severity,
    Status,
    SymptomStep,
    TriageQuestion,
)

from .problems import the
from .translation_factories import translate

pytestmark = pytest.mark.django_db


def in_spanish(kind: ProblemKind, obj) -> str:
    with translation.override("es"):
        return the(kind, obj, check_content()).message


def form_labels(client, url: str) -> set[str]:
    """Return the labels of a Spanish admin form, as the editor reads them."""
    html = unescape(client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode())
    return {
        re.sub(r"<[^>]+>|:$", "", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    }


def test_a_missing_translated_text_names_the_field_in_spanish(guide):
    step_translation = translate(guide[2][0], instructions="")
    message = in_spanish(ProblemKind.TRANSLATION_MISSING_TEXT, step_translation)
    assert "La traducción al español no tiene «Instrucciones»" in message, message
    assert "instructions" not in message.lower()


def test_a_destructive_step_without_a_warning_names_the_field_in_spanish(guide):
    step = make_step(severity=Severity.DESTRUCTIVE, warning="  \n ")
    message = in_spanish(ProblemKind.DESTRUCTIVE_WITHOUT_WARNING, step)
    assert "En «Advertencia», di qué se puede perder" in message, message


def test_a_step_out_of_order_says_in_spanish_to_drag_it_down(destructive_guide):
    symptom = destructive_guide[1]
    SymptomStep.objects.create(symptom=symptom, step=make_step(), position=9)
    message = in_spanish(ProblemKind.DESTRUCTIVE_BEFORE_SAFER, symptom)
    assert "arrastra «Delete the conversation» debajo de todos los pasos" in message, message
    assert "Posición" not in message, message


def test_a_topic_without_a_first_question_names_the_tick_box_in_spanish(guide):
    topic, _symptom, _steps, start = guide
    start.status = Status.DRAFT
    start.save()
    message = in_spanish(ProblemKind.TOPIC_WITHOUT_START, topic)
    assert "Marca «Primera pregunta» en una de sus preguntas" in message, message


def test_a_broken_link_names_the_field_it_is_in_in_spanish():
    step = make_step(instructions="Read [this](/no-such-page/).")
    make_symptom(steps=[step])
    message = in_spanish(ProblemKind.BROKEN_LINK, step)
    assert message.startswith("En «Instrucciones», el enlace a /no-such-page/"), message


def test_a_translated_settings_path_names_the_field_in_spanish():
    step = make_step(settings_path="Settings > Messages > Send & Receive")
    make_symptom(steps=[step])
    step_translation = translate(step, settings_path="Ajustes > Enviar y recibir")
    message = in_spanish(ProblemKind.TRANSLATION_SETTINGS_PATH, step_translation)
    assert message.startswith("En el campo «Dónde encontrarlo» de la traducción al español, ")


def test_the_names_are_the_labels_of_the_spanish_forms(admin_client):
    _topic, _symptom, steps, question = make_guide(1)
    step_translation = translate(steps[0])
    step_labels = form_labels(
        admin_client, reverse("admin:troubleshooting_fixstep_change", args=[steps[0].pk])
    )
    translation_labels = form_labels(
        admin_client,
        reverse("admin:troubleshooting_fixsteptranslation_change", args=[step_translation.pk]),
    )
    question_labels = form_labels(
        admin_client, reverse("admin:troubleshooting_triagequestion_change", args=[question.pk])
    )
    with translation.override("es"):
        for labels, model, name in (
            (step_labels, FixStep, "warning"),
            (step_labels, FixStep, "instructions"),
            (step_labels, FixStep, "title"),
            (translation_labels, FixStepTranslation, "instructions"),
            (translation_labels, FixStepTranslation, "settings_path"),
            (question_labels, TriageQuestion, "is_start"),
            (question_labels, TriageQuestion, "help"),
        ):
            assert field_name(model, name).strip("«»") in labels, (name, sorted(labels))


def test_a_symptoms_steps_and_causes_are_named_in_spanish(admin_client):
    symptom = make_guide(1)[1]
    url = reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Pasos, en el orden en que la gente los prueba" in html
    assert '<th class="column-step required">Paso' in html
    assert '<th class="column-cause required">Causa' in html


def test_a_symptoms_sections_are_headed_in_spanish(admin_client):
    symptom = make_guide(1)[1]
    url = reverse("admin:troubleshooting_symptom_change", args=[symptom.pk])
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    for heading in ("Publicación", "Artículo", "Listado", "Revisión"):
        assert f">{heading}</h2>" in html, heading
    assert "Causas probables, la más probable primero" in html
    assert ">Publishing</h2>" not in html

"""Content checks per language: what a live translation must say, follow and link to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_guide, make_step, make_symptom
from troubleshooting.content_checks import ProblemKind, check_content
from troubleshooting.models import Status

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def translation_problems():
    return [p for p in check_content() if p.kind.startswith("translation")]


def test_a_published_translation_without_a_text_the_english_has_is_an_error(guide):
    _topic, symptom, *_ = guide
    symptom.next_moves = "Ask them another way."
    symptom.save()
    translate(symptom, next_moves="", body="Significa algo.")
    [problem] = translation_problems()
    assert problem.kind == ProblemKind.TRANSLATION_MISSING_TEXT and problem.is_error
    assert "The Spanish translation has no “Where to go next”" in problem.message


def test_a_draft_translation_is_not_checked(guide):
    translate(guide[1], next_moves="", body="", status=Status.DRAFT)
    assert translation_problems() == []


def test_an_outdated_translation_is_a_warning(guide):
    _topic, symptom, *_ = guide
    translate(symptom, "fr")
    symptom.summary = "Something else now."
    symptom.save()
    [problem] = translation_problems()
    assert problem.kind == ProblemKind.TRANSLATION_OUTDATED and not problem.is_error
    assert "The English changed since the French translation" in problem.message


def test_a_settings_path_with_other_levels_is_an_error():
    step = make_step(settings_path="Settings > Messages > Send & Receive")
    make_symptom(steps=[step])
    translate(step, settings_path="Ajustes > Enviar y recibir")
    [problem] = translation_problems()
    assert problem.kind == ProblemKind.TRANSLATION_SETTINGS_PATH
    assert "“Ajustes > Enviar y recibir” has a different number of levels" in problem.message


def test_links_to_our_pages_must_work_in_the_translations_language():
    topic, symptom, _steps, _question = make_guide(2)
    other = make_symptom(topic=topic, steps=[make_step()])
    translate(topic, slug="mensajes")
    translate(other, slug="otro")
    body = (
        f"[Bien](/es/mensajes/otro/) [también](/es/mensajes/{other.slug}/) "
        f"[roto](/es/mensajes/no-existe/) [inglés](/{topic.slug}/{other.slug}/)"
    )
    translate(symptom, body=body)
    problems = {p.message: p for p in translation_problems()}
    assert len(problems) == 2, problems
    broken = next(p for m, p in problems.items() if "/es/mensajes/no-existe/" in m)
    assert broken.is_error and "no symptom has the address “no-existe”" in broken.message
    english = next(p for m, p in problems.items() if f"/{topic.slug}/{other.slug}/" in m)
    assert not english.is_error and "leads to the English page" in english.message


def test_the_admin_check_page_links_to_the_translation_to_fix(admin_client, guide):
    _topic, symptom, *_ = guide
    translation = translate(symptom, body="")
    html = admin_client.get(reverse("admin:content_check")).content.decode()
    change = reverse("admin:troubleshooting_symptomtranslation_change", args=[translation.pk])
    assert f'href="{change}"' in html
    assert "The Spanish translation has no “What it means”" in html


def test_checking_translations_takes_a_fixed_number_of_queries():
    def queries():
        with CaptureQueriesContext(connection) as captured:
            check_content()
        return len(captured)

    def grow():
        topic, symptom, steps, question = make_guide(3)
        for item in (topic, symptom, question, *steps):
            translate(item, "es")
            translate(item, "fr")

    grow()
    few = queries()
    for _ in range(4):
        grow()
    assert queries() == few


def test_a_link_to_a_translations_old_address_is_a_warning_naming_the_new_one():
    topic, symptom, _steps, _question = make_guide(2)
    other = make_symptom(topic=topic, steps=[make_step()])
    translate(topic, slug="mensajes")
    renamed = translate(other, slug="viejo")
    renamed.slug = "nuevo"
    renamed.save()
    translate(symptom, body="[Antes](/es/mensajes/viejo/)")
    [problem] = translation_problems()
    assert problem.kind == ProblemKind.TRANSLATION_LINK and not problem.is_error
    assert "uses an old address" in problem.message
    assert "replace it with /es/mensajes/nuevo/" in problem.message

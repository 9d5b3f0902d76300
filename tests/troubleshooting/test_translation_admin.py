"""Translating in the admin: the English beside each field, outdated ones, marking up to date."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from tests.factories import make_choice, make_question, make_step, make_symptom, make_topic
from troubleshooting import roles
from troubleshooting.models import FixStepTranslation, Status, SymptomTranslation

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:troubleshooting_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def translator():
    """A member of the Editors group, as translators are."""
    user = roles.create_editor(username="ana", email="ana@example.org", password="A-long-pass-1")
    client = Client()
    client.force_login(user)
    return client


def test_the_change_form_shows_the_english_beside_each_field(admin_client):
    symptom = make_symptom(title="Not Delivered", body="It means *this*.")
    translation = translate(symptom, title="No entregado")
    html = admin_client.get(url(SymptomTranslation, "change", translation.pk)).content.decode()
    assert "Title (English)" in html
    assert '<div class="source-text" lang="en">Not Delivered</div>' in html
    assert '<div class="source-text" lang="en">It means *this*.</div>' in html
    assert 'value="No entregado"' in html
    assert "Nothing: this translation is up to date with the English." in html
    assert "Save and mark as up to date" not in html


def test_an_outdated_translation_shows_the_english_change_and_can_be_marked_up_to_date(
    admin_client,
):
    step = make_step(title="Restart", instructions="1. Hold the side button.")
    translation = translate(step, slug="reinicia")
    step.instructions = "1. Hold the side button and volume up."
    step.save()
    change = url(FixStepTranslation, "change", translation.pk)
    html = admin_client.get(change).content.decode()
    assert "The English changed since this translation was brought up to date" in html
    assert "<ins> and volume up</ins>" in html
    assert '<th scope="row">Instructions</th>' in html
    assert "Save and mark as up to date" in html

    data = {
        "slug": "reinicia",
        "title": "Reinicia",
        "settings_path": "",
        "instructions": "1. Mantén pulsados el botón lateral y el de subir volumen.",
        "warning": "",
        "status": Status.PUBLISHED,
        "publish_at_0": "",
        "publish_at_1": "",
        "_mark_up_to_date": "1",
    }
    response = admin_client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    translation.refresh_from_db()
    assert not translation.is_outdated
    assert translation.instructions.startswith("1. Mantén")


def test_the_list_filters_by_language_and_outdated_and_the_action_marks_up_to_date(admin_client):
    current, old = make_symptom(title="Current"), make_symptom(title="Old")
    translate(current, "es")
    outdated = translate(old, "fr")
    old.summary = "A new summary."
    old.save()
    listing = url(SymptomTranslation, "changelist")
    html = admin_client.get(listing, {"outdated": "yes"}).content.decode()
    assert "Old (fr)" in html and "Current (es)" not in html
    html = admin_client.get(listing, {"language__exact": "es"}).content.decode()
    assert "Current (es)" in html and "Old (fr)" not in html

    response = admin_client.post(
        listing,
        {"action": "mark_up_to_date", "_selected_action": [outdated.pk]},
        follow=True,
    )
    assert "Marked 1 translation as up to date." in response.content.decode()
    outdated.refresh_from_db()
    assert not outdated.is_outdated


def test_a_question_translation_shows_the_english_answers(admin_client):
    question = make_question(topic=make_topic(), prompt="What does it say?")
    make_choice(question=question, label="Sending…", hint="never finishes", symptom=make_symptom())
    translation = translate(question)
    html = admin_client.get(url(type(translation), "change", translation.pk)).content.decode()
    assert "1. Sending… (never finishes)" in html


def test_a_translator_adds_a_translation_and_it_is_in_the_history(translator):
    topic = make_topic(title="Messages", summary="Help with messages.", escalation="")
    add = url(type(translate(make_topic(), "fr")), "add")
    response = translator.post(
        add,
        {
            "source": topic.pk,
            "language": "es",
            "slug": "mensajes",
            "title": "Mensajes",
            "summary": "Ayuda con los mensajes.",
            "escalation": "",
            "status": Status.DRAFT,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    translation = topic.translations.get(language="es")
    assert not translation.is_outdated
    assert Version.objects.get_for_object(translation).count() == 1


def test_a_published_translation_needs_the_english_texts_in_the_form(admin_client):
    step = make_step(warning="This deletes things.")
    translation = translate(step, warning="")
    data = {
        "slug": translation.slug,
        "title": translation.title,
        "settings_path": "",
        "instructions": translation.instructions,
        "warning": "",
        "status": Status.PUBLISHED,
        "publish_at_0": "",
        "publish_at_1": "",
    }
    response = admin_client.post(url(FixStepTranslation, "change", translation.pk), data)
    assert response.status_code == 200
    assert "The English has this text: translate it before publishing." in (
        response.content.decode()
    )


def test_an_items_page_links_to_its_translations_and_to_translate_it(admin_client):
    symptom = make_symptom()
    spanish = translate(symptom, "es")
    html = admin_client.get(url(type(symptom), "change", symptom.pk)).content.decode()
    assert f'href="{url(SymptomTranslation, "change", spanish.pk)}">Spanish translation</a>' in html
    add = f"{url(SymptomTranslation, 'add')}?source={symptom.pk}&amp;language=fr"
    assert f'href="{add}">Translate into French</a>' in html
    form = admin_client.get(f"{url(SymptomTranslation, 'add')}?source={symptom.pk}&language=fr")
    assert f'<option value="{symptom.pk}" selected>' in form.content.decode()

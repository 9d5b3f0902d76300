"""A renamed translated slug keeps its old address: one 301 to the new one, same language."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from tests.factories import make_choice, make_question
from troubleshooting import roles
from troubleshooting.flow import Flow
from troubleshooting.models import SlugRedirect, Status, TopicTranslation

from .translation_factories import translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def spanish(guide):
    """The guide with its topic and symptom published in Spanish."""
    topic, symptom, _steps, _question = guide
    return translate(topic, "es", slug="mensajes"), translate(symptom, "es", slug="no-entregado")


def rename(row, slug: str) -> None:
    row.slug = slug
    row.save()


def lands(client, url: str) -> str:
    """Return where ``url`` leads in one permanent redirect, checking the page answers there."""
    response = client.get(url)
    assert response.status_code == 301, response.status_code
    location = response["Location"]
    assert client.get(location).status_code == 200, location
    return location


def english(build, *args):
    with translation.override("en-gb"):
        return build(*args)


def test_a_renamed_spanish_symptom_slug_leads_to_its_new_address(client, spanish):
    rename(spanish[1], "sin-entregar")
    assert lands(client, "/es/mensajes/no-entregado/") == "/es/mensajes/sin-entregar/"
    assert client.get("/es/mensajes/sin-entregar/").status_code == 200


def test_a_guided_fix_saved_at_the_old_spanish_address_keeps_its_place(client, guide, spanish):
    step = english(lambda: Flow.for_symptom(guide[1]).step_url(2, "n"))
    path, query = step.split("?")
    old = "/es" + path.replace(guide[0].slug, "mensajes").replace(guide[1].slug, "no-entregado")
    rename(spanish[1], "sin-entregar")
    new = old.replace("no-entregado", "sin-entregar")
    assert lands(client, f"{old}?{query}") == f"{new}?{query}"


def test_a_renamed_spanish_topic_slug_leads_to_its_pages_in_one_redirect(client, spanish):
    rename(spanish[0], "mensajeria")
    assert lands(client, "/es/mensajes/") == "/es/mensajeria/"
    assert lands(client, "/es/mensajes/no-entregado/") == "/es/mensajeria/no-entregado/"


def test_both_renamed_at_once_and_twice_still_lead_there_in_one_redirect(client, spanish):
    rename(spanish[0], "mensajeria")
    rename(spanish[0], "imessage")
    rename(spanish[1], "sin-entregar")
    assert lands(client, "/es/mensajes/no-entregado/") == "/es/imessage/sin-entregar/"
    assert lands(client, "/es/mensajeria/no-entregado/") == "/es/imessage/sin-entregar/"


def test_an_old_english_slug_under_es_goes_straight_to_the_spanish_address(client, guide, spanish):
    topic, symptom = guide[0], guide[1]
    old = f"/es/{topic.slug}/{symptom.slug}/"
    symptom.slug = "renamed-in-english"
    symptom.save()
    assert lands(client, old) == "/es/mensajes/no-entregado/"


def test_a_renamed_question_slug_in_spanish_redirects(client, guide, spanish):
    question = make_question(topic=guide[0])
    make_choice(question=guide[3], next_question=question)
    row = translate(question, "es", slug="que-dice")
    rename(row, "que-pone")
    assert lands(client, "/es/mensajes/fix/que-dice/") == "/es/mensajes/fix/que-pone/"


def test_an_old_spanish_slug_is_no_address_in_french_or_english(client, guide, spanish):
    rename(spanish[1], "sin-entregar")
    assert client.get(f"/fr/{guide[0].slug}/no-entregado/").status_code == 404
    assert client.get(f"/{guide[0].slug}/no-entregado/").status_code == 404


def test_a_new_translation_may_take_an_old_spanish_slug(client, guide, spanish):
    rename(spanish[1], "sin-entregar")
    rename(spanish[1], "no-entregado")
    assert not SlugRedirect.objects.filter(old_slug="no-entregado").exists()
    assert client.get("/es/mensajes/no-entregado/").status_code == 200
    assert lands(client, "/es/mensajes/sin-entregar/") == "/es/mensajes/no-entregado/"


def test_saving_a_translation_without_renaming_records_nothing(spanish):
    spanish[1].title = "Otro título"
    spanish[1].save()
    spanish[1].save(update_fields=["title"])
    assert not SlugRedirect.objects.exists()


def test_an_editor_renames_a_spanish_topic_in_the_admin_and_the_history_shows_it(guide):
    topic = guide[0]
    row = translate(topic, "es", slug="mensajes", title="Mensajes", summary="Ayuda.")
    user = roles.create_editor(username="ana", email="ana@example.org", password="A-long-pass-1")
    editor = Client(HTTP_ACCEPT_LANGUAGE="en")
    editor.force_login(user)
    change = reverse("admin:troubleshooting_topictranslation_change", args=[row.pk])
    form = editor.get(change).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    data = {
        **fields,
        "source": topic.pk,
        "language": "es",
        "slug": "mensajeria",
        "title": "Mensajes",
        "summary": "Ayuda.",
        "escalation": row.escalation,
        "status": Status.PUBLISHED,
        "publish_at_0": "",
        "publish_at_1": "",
    }
    response = editor.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert TopicTranslation.objects.get(pk=row.pk).slug == "mensajeria"
    assert Client().get("/es/mensajes/")["Location"] == "/es/mensajeria/"

    listing = editor.get(reverse("admin:troubleshooting_slugredirect_changelist")).content.decode()
    assert "mensajes" in listing
    assert "Español" in listing
    spanish = editor.get(
        reverse("admin:troubleshooting_slugredirect_changelist"), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Direcciones renombradas" in spanish
    assert ">Tema<" in spanish  # the kind of item, as the admin names it in Spanish
    history = reverse("admin:troubleshooting_topictranslation_history", args=[row.pk])
    assert editor.get(history).status_code == 200
    saved = Version.objects.get_for_object(row).first()
    assert saved.field_dict["slug"] == "mensajeria"

"""One home for a renamed slug's old address: English content and its translations share it."""

import pytest

from troubleshooting.models import (
    Cause,
    Content,
    SlugRedirect,
    Translation,
)
from troubleshooting.models.site import KeepsOldSlugs

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def redirects() -> list[tuple[str, str, str, int]]:
    rows = SlugRedirect.objects.order_by("language", "old_slug")
    return list(rows.values_list("model", "language", "old_slug", "object_id"))


def test_english_content_and_translations_keep_old_slugs_in_one_place():
    assert issubclass(Content, KeepsOldSlugs)
    assert issubclass(Translation, KeepsOldSlugs)


def test_a_renamed_english_slug_leaves_a_redirect_from_the_old_address(client, guide):
    symptom = guide[1]
    old_slug, old_url = symptom.slug, symptom.get_absolute_url()
    symptom.slug = "stuck-on-sending"
    symptom.save()
    assert redirects() == [("symptom", "en", old_slug, symptom.pk)]
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == symptom.get_absolute_url()


def test_a_renamed_translated_slug_leaves_a_redirect_in_its_language(client, guide):
    topic, symptom = guide[0], guide[1]
    translate(topic, "es", slug="mensajes")
    spanish = translate(symptom, "es", slug="no-entregado")
    spanish.slug = "sin-entregar"
    spanish.save()
    assert redirects() == [("symptom", "es", "no-entregado", symptom.pk)]
    response = client.get("/es/mensajes/no-entregado/")
    assert response.status_code == 301
    assert response["Location"] == "/es/mensajes/sin-entregar/"


def test_a_save_naming_the_slug_records_it_and_a_save_of_other_fields_does_not(guide):
    symptom = guide[1]
    english = symptom.slug
    spanish = translate(symptom, "es", slug="no-entregado")
    symptom.slug, spanish.slug = "renamed", "renombrado"
    symptom.save(update_fields=["title"])
    spanish.save(update_fields=["title"])
    assert redirects() == []
    symptom.save(update_fields=["slug"])
    spanish.save(update_fields=["slug"])
    assert redirects() == [
        ("symptom", "en", english, symptom.pk),
        ("symptom", "es", "no-entregado", symptom.pk),
    ]


def test_kinds_without_pages_of_their_own_keep_no_old_slug(guide):
    cause = guide[1].causes.get()
    spanish = translate(cause, "es", slug="sin-conexion")
    cause.slug, spanish.slug = "offline", "desconectado"
    cause.save()
    spanish.save()
    assert not Cause.keeps_old_slugs and not spanish.keeps_old_slugs
    assert redirects() == []


def test_a_new_translation_takes_an_old_slug_from_the_redirects(guide):
    topic = guide[0]
    spanish = translate(topic, "es", slug="mensajes")
    spanish.slug = "mensajeria"
    spanish.save()
    assert redirects() == [("topic", "es", "mensajes", topic.pk)]
    spanish.delete()
    translate(topic, "es", slug="mensajes")
    assert redirects() == []

"""One home for a renamed slug's old address: English content and its translations share it."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from tests.troubleshooting.test_admin import symptom_form_data
from tests.troubleshooting.test_editing import save_symptom
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


# Restoring a saved version writes rows without their save, so the restore keeps them itself.


def restore(client, item, version, **data):
    """Post the restore form of ``version``, as an editor saving the version shown does."""
    url = reverse(
        f"admin:troubleshooting_{item._meta.model_name}_revision", args=[item.pk, version.pk]
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


def test_restoring_a_version_from_before_a_rename_keeps_the_renamed_address(admin_client, guide):
    symptom = guide[1]
    rows = [(link.pk, link.position, link.step_id) for link in symptom.symptom_steps.all()]
    save_symptom(admin_client, symptom)  # the version to go back to
    before = Version.objects.get_for_object(symptom).first()
    original_url = symptom.get_absolute_url()
    save_symptom(admin_client, symptom, slug="renamed-slug")
    symptom.refresh_from_db()
    renamed_url = symptom.get_absolute_url()

    restore(
        admin_client,
        symptom,
        before,
        **symptom_form_data(symptom, rows) | {"slug": before.field_dict["slug"]},
    )
    symptom.refresh_from_db()
    assert symptom.get_absolute_url() == original_url
    assert admin_client.get(original_url).status_code == 200
    response = admin_client.get(renamed_url)
    assert response.status_code == 301
    assert response["Location"] == original_url


def test_restoring_a_translation_from_before_a_rename_keeps_its_renamed_address(
    admin_client, guide
):
    topic, symptom = guide[0], guide[1]
    translate(topic, "es", slug="mensajes")
    spanish = translate(symptom, "es", slug="no-entregado")
    with reversion.create_revision():
        spanish.save()
    before = Version.objects.get_for_object(spanish).get()
    spanish.slug = "sin-entregar"
    with reversion.create_revision():
        spanish.save()

    fields = ["slug", "status", *spanish.source_fields]
    restore(admin_client, spanish, before, **{name: before.field_dict[name] for name in fields})
    assert admin_client.get("/es/mensajes/no-entregado/").status_code == 200
    response = admin_client.get("/es/mensajes/sin-entregar/")
    assert response.status_code == 301
    assert response["Location"] == "/es/mensajes/no-entregado/"

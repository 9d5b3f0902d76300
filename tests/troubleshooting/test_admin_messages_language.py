"""Content-check problems and guide-file errors speak the editor's language."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_guide, make_symptom, make_topic
from tests.troubleshooting.guide_folders import export, rewrite
from troubleshooting import content_checks
from troubleshooting.guide_files import GuideFileError, guide_import
from troubleshooting.models import Symptom

pytestmark = pytest.mark.django_db

SPANISH = (
    "Este síntoma está publicado pero no tiene pasos, así que su artículo y su solución guiada "
    "no tienen nada que probar. Añade pasos o devuelve el síntoma a borrador."
)


def page(client, url: str, language: str) -> str:
    return unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())


def test_the_content_check_page_speaks_spanish_to_a_spanish_editor(admin_client):
    make_symptom(topic=make_topic(), title="Sin pasos", steps=[])
    html = page(admin_client, reverse("admin:content_check"), "es-ES,es;q=0.9")
    assert SPANISH in html
    assert "is published but it has no fix steps" not in html
    assert "<h1>Revisión del contenido</h1>" in html
    assert "Guías de solución de problemas" in html  # the breadcrumb's app name
    english = page(admin_client, reverse("admin:content_check"), "en")
    assert "This symptom is published but it has no fix steps" in english


def test_a_problem_in_another_item_names_it_in_the_editors_language(admin_client):
    topic, symptom, _steps, question = make_guide(1)
    symptom.status = "draft"
    symptom.save()
    html = page(admin_client, reverse("admin:content_check"), "fr")
    assert "«\u00a0Sending…\u00a0»" in html
    assert "mène au symptôme" in html
    assert "qui est un brouillon" in html


def test_counts_take_their_plural_form_in_spanish():
    topic, symptom, steps, _question = make_guide(2)
    for step in steps:
        step.status = "draft"
        step.save()
    with translation.override("es"):
        messages = [problem.message for problem in content_checks.check_object(symptom)]
    assert any("ninguno de sus 2 pasos lo está" in message for message in messages), messages


def test_the_problem_names_its_kind_in_the_editors_language():
    symptom = make_symptom(topic=make_topic(), title="Sin pasos", steps=[])
    with translation.override("es"):
        problem = content_checks.check_object(symptom)[0]
        assert str(problem.obj) == "Síntoma «Sin pasos»"
    assert problem.obj.model is Symptom


def test_a_guide_file_error_is_written_in_the_editors_language(tmp_path):
    make_guide(1)
    export(tmp_path)
    topic_file = next(tmp_path.glob("*/topic.md"))
    rewrite(topic_file, "slug: ", "slug: otra-")
    with translation.override("es"), pytest.raises(GuideFileError) as spanish:
        guide_import(directory=tmp_path)
    assert "no coincide con el nombre de la carpeta" in str(spanish.value)
    with translation.override("fr"), pytest.raises(GuideFileError) as french:
        guide_import(directory=tmp_path)
    assert "diffère du nom du dossier «\u00a0" in str(french.value)


def test_guide_file_limits_group_digits_as_the_editors_language_does(tmp_path):
    folder = tmp_path / "causes"
    folder.mkdir(parents=True)
    (folder / "big.md").write_bytes(b"x" * 100_001)
    with translation.override("es"), pytest.raises(GuideFileError) as spanish:
        guide_import(directory=tmp_path)
    # Spanish groups digits with a no-break space, as Django's Spanish formats do.
    expected = "el archivo es demasiado grande (100\u00a0001 bytes): como máximo 100\u00a0000."
    assert expected in str(spanish.value)

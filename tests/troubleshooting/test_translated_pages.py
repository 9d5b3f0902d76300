"""Pages rendered in Spanish and French: what a visitor reads is in their language."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import translation

from tests.factories import make_guide
from tests.troubleshooting.known_issue_factories import make_issue
from troubleshooting import caching
from troubleshooting.flow import Flow, end_lede, summarize
from troubleshooting.models import FixStep, Severity, Symptom

NBSP = "\u00a0"  # French keeps "?" and ":" on the line of the word before them


def read(client, url: str, language: str, *, status: int = 200) -> str:
    """Return the page's text as a visitor reads it (entities decoded), in ``language``."""
    # The address says the language: the English address (unprefixed) under /es/ or /fr/.
    with translation.override(language):
        # The demo guide is translated: its English slugs under /es/ lead on to the Spanish ones.
        response = client.get(f"/{language}{url}", follow=True)
    assert response.status_code == status, url
    return unescape(response.content.decode())


def main_of(html: str) -> str:
    return html[html.index('<main id="main"') : html.index("</main>")]


def drawings(html: str) -> list[str]:
    return re.findall(r'class="pic [^"]*" role="img" aria-label="([^"]+)"', html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "button"),
    [
        ("es", "No encontramos esa página", "Ir a la página de inicio"),
        ("fr", "Nous ne trouvons pas cette page", "Aller à l’accueil"),
    ],
)
def test_the_404_page_speaks_the_visitors_language(client, language, heading, button):
    html = read(client, "/no-such-page/", language, status=404)
    assert f'<html lang="{language}" dir="ltr">' in html
    assert f'tabindex="-1">{heading}</h1>' in html
    assert button in html
    assert "We can't find that page" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "nothing", "hint"),
    [
        ("es", "No hay nada para «qwxzv»", "Prueba con las palabras que ves en la pantalla"),
        ("fr", f"Aucun résultat pour «{NBSP}qwxzv{NBSP}»", "Essayez les mots que vous voyez"),
    ],
)
def test_a_search_with_no_results_says_so_in_the_visitors_language(client, language, nothing, hint):
    make_guide(1)
    html = read(client, "/search/?q=qwxzv", language)
    assert f"<h2>{nothing}</h2>" in html
    assert hint in html
    assert "Nothing matched" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "question", "answers"),
    [
        ("es", "¿Se ha arreglado?", ["Sí, ya funciona", "No, sigue sin funcionar", "Saltar"]),
        ("fr", f"Est-ce réparé{NBSP}?", ["Oui, c’est réparé", "Non, toujours en panne", "Passer"]),
    ],
)
def test_the_flow_asks_did_this_fix_it_in_the_visitors_language(
    client, language, question, answers
):
    _topic, symptom, _steps, _question = make_guide(2)
    main = main_of(read(client, Flow.for_symptom(symptom).step_url(1, ""), language))
    assert f"<legend>{question}</legend>" in main
    buttons = re.findall(r'<button type="submit" name="answer"[^>]*>([^<]+)</button>', main)
    for answer, button in zip(answers, buttons, strict=False):
        assert button.startswith(answer), (answer, button)
    assert "Did this fix it?" not in main
    assert {"es": "Paso 1 de 2", "fr": "Étape 1 sur 2"}[language] in main


@pytest.mark.django_db
def test_a_destructive_step_warns_and_asks_to_confirm_in_spanish(client):
    _topic, symptom, steps, _question = make_guide(1, destructive_last=True)
    assert steps[-1].severity == Severity.DESTRUCTIVE
    main = main_of(read(client, Flow.for_symptom(symptom).step_url(2, "n"), "es"))
    assert "Atención: este paso puede borrar datos" in main
    assert "He leído la advertencia y entiendo lo que podría perder." in main
    assert "Enséñame cómo" in main


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "lede"),
    [
        ("es", "¿Qué está fallando?", "Di lo que ves en la pantalla"),
        ("fr", f"Qu’est-ce qui ne va pas{NBSP}?", "Dites ce que vous voyez à l’écran"),
    ],
)
def test_the_home_page_in_the_visitors_language(client, language, heading, lede):
    make_guide(1)
    html = read(client, "/", language)
    assert f'tabindex="-1">{heading}</h1>' in html
    assert lede in html
    title = {"es": "Arréglalo tú mismo", "fr": "Réparez vous-même"}[language]
    assert f"<title>{title}</title>" in html
    assert {"es": "Saltar al contenido", "fr": "Aller au contenu"}[language] in html


@pytest.mark.django_db
def test_an_article_counts_its_steps_with_the_right_plural(client):
    _topic, symptom, _steps, _question = make_guide(1)
    main = main_of(read(client, symptom.get_absolute_url(), "fr"))
    assert "(1 étape)" in main
    assert "<strong>Réparez étape par étape.</strong> 1 solution," in main
    assert "Empezar" not in main
    _topic, symptom, _steps, _question = make_guide(3)
    main = main_of(read(client, symptom.get_absolute_url(), "es"))
    assert "(3 pasos)" in main
    assert "3 soluciones, primero las rápidas y seguras" in main


@pytest.mark.django_db
def test_the_end_page_sums_up_what_was_tried_in_spanish(client):
    _topic, symptom, _steps, _question = make_guide(3)
    html = read(client, Flow.for_symptom(symptom).end_url("nsn"), "es")
    assert "Ya probaste 2 soluciones y te saltaste 1. Cuéntaselo a quien te ayude" in html
    assert "Lo que has probado" in html


def test_the_summary_of_what_was_tried_is_worded_per_language():
    with translation.override("fr"):
        assert summarize("nnsc") == "essayé 2 solutions, passé 1 et pas pu en faire 1"
        assert end_lede("", 1).startswith("Voici qui peut vous aider.")
    with translation.override("es"):
        assert summarize("ss") == "te saltaste 2 soluciones"
    assert summarize("nnsc") == "tried 2 fixes, skipped 1 and couldn't do 1"


@pytest.mark.django_db
def test_the_pictures_text_alternatives_use_the_iphones_own_words(client, demo_content):
    step = FixStep.objects.get(slug="reset-all-settings")
    html = read(client, step.symptoms.first().get_absolute_url(), "es")
    assert (
        "En la pantalla Restablecer, toca «Restablecer todos los ajustes». "
        "No toques «Borrar contenidos y ajustes», que está cerca." in drawings(html)
    )
    assert 'Borrar contenidos y ajustes<span class="btn-tag">Esto no' in html
    symptom = Symptom.objects.get(slug="stuck-on-sending")
    # Until addresses carry the language, a page cached in one language is not kept for another.
    caching.page_cache.reset()
    cache.clear()
    html = read(client, symptom.get_absolute_url(), "fr")
    bubble = f"Une bulle de message bleue avec «{NBSP}Envoi…{NBSP}» en dessous, en gris."
    assert bubble in drawings(html)
    assert '<span class="msg-status">Envoi…</span>' in html
    # The Settings path is content (English until it is translated); its app and switch are ours.
    assert any(
        alt.startswith(
            f"Touchez dans l’ordre{NBSP}: Réglages, puis Messages, puis le bouton iMessage"
        )
        for alt in drawings(html)
    )


@pytest.mark.django_db
@override_settings(TIME_ZONE="UTC")
def test_known_issue_dates_are_written_the_languages_way(client):
    _topic, symptom, _steps, _question = make_guide(1)
    issue = make_issue(symptoms=[symptom], started_at=datetime(2026, 3, 5, 9, 30, tzinfo=UTC))
    html = read(client, issue.get_absolute_url(), "es")
    assert "Empezó <time" in html
    assert ">5 de marzo de 2026, 09:30 UTC</time>" in html
    html = read(client, "/known-issues/", "fr")
    assert "Problèmes connus" in html
    assert "En ce moment" in html


@pytest.mark.django_db
def test_a_form_error_is_in_the_visitors_language(client):
    _topic, symptom, steps, _question = make_guide(1)
    url = Flow.for_symptom(symptom).step_url(1, "")
    with translation.override("es"):
        response = client.post(f"/es{url}", {"step": steps[0].pk, "answer": "zz"})
    assert "Elige Sí, No o Saltar." in unescape(response.content.decode())


@pytest.mark.django_db
def test_the_editors_home_speaks_spanish(admin_client):
    _topic, symptom, _steps, _question = make_guide(1)
    # The admin speaks the editor's browser language: one address for every editor.
    html = unescape(admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert "Editores del sitio de ayuda" in html
    assert "Problemas en el contenido" in html
    assert "Pendientes de revisión" in html
    assert "Revisión del contenido</a>: cada error con el que se toparía la gente" in html
    url = f"/admin/troubleshooting/symptom/{symptom.pk}/change/"
    html = unescape(admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode())
    # Editors' help texts come from the models, in the editor's language.
    assert "Affiché comme titre de la page" not in html  # a topic's, not a symptom's
    assert "Ce que les gens voient, avec leurs mots" in html

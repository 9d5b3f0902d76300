"""Pages in Spanish and French: translated text and addresses, English with a notice otherwise."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import make_choice, make_guide, make_step, make_symptom
from tests.troubleshooting.test_views import TestQueryCounts
from troubleshooting import caching
from troubleshooting.flow import Flow
from troubleshooting.languages import address_in
from troubleshooting.models import FixStep, Status
from troubleshooting.translating import overlay

from .translation_factories import translate

pytestmark = pytest.mark.django_db


def notice_in(html: str) -> bool:
    """Say whether the page tells a Spanish or French reader it is shown in English."""
    return any(
        notice in unescape(html)
        for notice in (
            "Esta página aún no está disponible en español",
            "Cette page n’est pas encore disponible en français",
        )
    )


@pytest.fixture
def spanish():
    """A small guide with its topic, symptom, question and first step in Spanish."""
    topic, symptom, steps, question = make_guide(3)
    translate(topic, slug="mensajes", title="Mensajes")
    translate(symptom, slug="no-entregado", title="No entregado", body="Qué *significa*.")
    translate(question, slug="que-dice", prompt="¿Qué dice?")
    translate(steps[0], slug="activa-imessage", title="Activa iMessage")
    translate(symptom.causes.get(), slug="sin-internet", title="Sin internet")
    return topic, symptom, steps, question


def test_an_article_is_read_in_spanish_at_its_spanish_address(client, spanish):
    response = client.get("/es/mensajes/no-entregado/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "No entregado" in html
    assert "Qué <em>significa</em>." in html
    assert "Activa iMessage" in html and "Sin internet" in html
    assert 'href="/es/mensajes/no-entregado/fix/"' in html  # the guided fix in Spanish too
    assert "isn't available in" not in html


def test_the_english_page_stays_english(client, spanish):
    topic, symptom, steps, _question = spanish
    html = client.get(symptom.get_absolute_url()).content.decode()
    assert symptom.title in html and "No entregado" not in html
    assert steps[0].title in html


def test_an_english_address_under_es_moves_to_the_spanish_one(client, spanish):
    topic, symptom, _steps, _question = spanish
    response = client.get(f"/es/{topic.slug}/{symptom.slug}/")
    assert response.status_code == 301
    assert response["Location"] == "/es/mensajes/no-entregado/"
    version = Flow.for_symptom(symptom).version
    response = client.get(f"/es/{topic.slug}/{symptom.slug}/fix/2/?r=n-&v={version}")
    assert response.status_code == 301  # the answers so far come along
    assert response["Location"] == f"/es/mensajes/no-entregado/fix/2/?r=n-&v={version}"


def test_an_untranslated_page_is_english_with_a_notice_never_a_404(client, spanish):
    topic, *_ = spanish
    other = make_symptom(topic=topic, slug="green-bubbles", title="Green bubbles")
    translate(other, slug="burbujas-verdes", status=Status.DRAFT)
    for url in ("/es/mensajes/green-bubbles/", f"/es/{topic.slug}/green-bubbles/"):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "Green bubbles" in html
        assert notice_in(html)
    assert client.get("/es/mensajes/burbujas-verdes/").status_code == 404  # a draft's address


def test_the_notice_names_the_visitors_language(client, spanish):
    make_symptom(topic=spanish[0], slug="green-bubbles")
    html = client.get(f"/fr/{spanish[0].slug}/green-bubbles/").content.decode()
    assert "Cette page n’est pas encore disponible en français" in unescape(html)


def test_a_scheduled_translation_waits_for_its_time(client, spanish):
    from datetime import timedelta

    from django.utils import timezone

    _topic, symptom, *_ = spanish
    symptom.translations.update(publish_at=timezone.now() + timedelta(days=1))
    response = client.get("/es/mensajes/no-entregado/")
    assert response.status_code == 404  # not its address yet…
    html = client.get(f"/es/mensajes/{symptom.slug}/").content.decode()
    assert notice_in(html)  # …but the English one works


def test_a_question_and_its_answers_in_spanish_keep_the_flow_in_english_terms(client, spanish):
    topic, symptom, _steps, question = spanish
    question.translations.update(choices=[{"label": "Enviando…", "hint": ""}])
    response = client.get("/es/mensajes/fix/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "¿Qué dice?" in html and "Enviando…" in html
    # The answer leads to the Spanish address, and names the question in English.
    assert f'href="/es/mensajes/no-entregado/fix/?via={question.slug}"' in html


def test_the_guided_fix_is_the_same_list_in_every_language(client, spanish):
    _topic, symptom, steps, _question = spanish
    version = Flow.for_symptom(symptom).version
    response = client.get("/es/mensajes/no-entregado/fix/")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/mensajes/no-entregado/fix/1/")
    step = client.get(f"/es/mensajes/no-entregado/fix/1/?v={version}")
    assert step.status_code == 200
    assert "Activa iMessage" in step.content.decode()
    answered = client.post(
        f"/es/mensajes/no-entregado/fix/1/?v={version}", {"answer": "n", "step": steps[0].pk}
    )
    assert answered.status_code == 303
    assert answered["Location"].startswith(f"/es/mensajes/no-entregado/fix/2/?r=n&v={version}")
    second = client.get(answered["Location"]).content.decode()
    assert steps[1].title in second and notice_in(second)
    # The same answers at the English address: the same state.
    english = client.get(f"/{symptom.topic.slug}/{symptom.slug}/fix/2/?r=n&v={version}")
    assert english.status_code == 200


def test_a_published_translation_reaches_a_cached_page(client, spanish):
    _topic, symptom, *_ = spanish
    assert "No entregado" in client.get("/es/mensajes/no-entregado/").content.decode()
    symptom.translations.update(title="Sin entregar")  # update() sends no signal…
    translation_row = symptom.translations.get()
    translation_row.save()  # …a save does, and the cached page goes
    assert "Sin entregar" in client.get("/es/mensajes/no-entregado/").content.decode()


def test_the_home_page_in_spanish(client, spanish):
    html = client.get("/es/").content.decode()
    assert 'href="/es/mensajes/"' in html
    assert "Mensajes" in html


def test_search_keeps_working_with_translations_present(client, spanish):
    _topic, symptom, *_ = spanish
    symptom.title = "Stuck on Sending"
    symptom.save()
    assert "Stuck on Sending" in client.get("/search/?q=stuck").content.decode()
    assert client.get("/es/search/?q=stuck").status_code == 200


READS_STEP_TRANSLATIONS = 'SELECT "troubleshooting_fixsteptranslation"."id"'


def test_overlay_reads_one_query_per_kind_whatever_the_number_of_items():
    steps = [make_step() for _ in range(12)]
    for step in steps:
        translate(step)
    with translation.override("es"), CaptureQueriesContext(connection) as queries:
        overlay(steps)
    # Beside the content version's check (a query each time under the test settings).
    assert len(queries) == 2, [query["sql"] for query in queries]
    assert sum(query["sql"].startswith(READS_STEP_TRANSLATIONS) for query in queries) == 1
    assert all(step.title.startswith("[es]") for step in steps)
    assert all(step.english_slug != step.slug for step in steps)


def test_overlay_keeps_the_publics_translations_until_the_content_changes():
    step = make_step()
    translate(step)
    with translation.override("es"):
        overlay(step)
        again = FixStep.objects.get(pk=step.pk)
        with CaptureQueriesContext(connection) as queries:
            overlay(again)
        assert again.title == step.title and again.title.startswith("[es]")
        assert not any(query["sql"].startswith(READS_STEP_TRANSLATIONS) for query in queries)
        again.translation.title = "[es] Renamed"
        again.translation.save()  # a change of content: the next page reads afresh
        renamed = FixStep.objects.get(pk=step.pk)
        overlay(renamed)
    assert renamed.title == "[es] Renamed"


class TestTranslatedQueryCounts(TestQueryCounts):
    """The same pages under /es/, everything translated: still a fixed number of queries."""

    BUDGET = 16  # the English budget, the slugs of the address and one query per kind shown

    def build(self, symptoms=6, steps=8):
        topic, question, first = super().build(symptoms=symptoms, steps=steps)
        for item in [topic, question, *topic.symptoms.all()]:
            translate(item)
        for link in first.symptom_steps.select_related("step"):
            translate(link.step)
        return topic, question, first

    def urls(self, topic, question, symptom):
        with translation.override("es"):
            overlay(topic, question, symptom, symptom.topic)
            urls = [symptom.get_flow_url(), *super().urls(topic, question, symptom)]
        return [url if url.startswith("/es/") else f"/es{url}" for url in urls]

    def test_bounded(self, client, django_assert_max_num_queries):
        topic, question, symptom = self.build()
        for url in self.urls(topic, question, symptom):
            with django_assert_max_num_queries(self.BUDGET):
                assert client.get(url).status_code in {200, 302}, url

    def test_does_not_grow_with_content(self, client):
        def counts(urls):
            result = []
            for url in urls:
                # Each page cold, as the first after a change: kept translations would make a
                # page's count depend on the pages read before it.
                caching.page_cache.reset()
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code in {200, 302}, url
                result.append(len(queries))
            return result

        small = counts(self.urls(*self.build(symptoms=2, steps=3)))
        large = counts(self.urls(*self.build(symptoms=20, steps=12)))
        assert small == large


def test_answers_hidden_on_the_page_keep_their_translated_labels_in_place(client):
    topic, symptom, _steps, question = make_guide(2)
    make_choice(question=question, label="Nowhere yet", symptom=make_symptom(topic=topic))
    make_choice(question=question, label="Delivered", symptom=symptom)
    translate(question, slug="pregunta")
    html = client.get(f"/es/{topic.slug}/fix/").content.decode()
    assert "[es] Sending…" in html and "[es] Delivered" in html
    assert "Nowhere yet" not in html


def test_the_end_page_lists_the_steps_in_spanish(client, spanish):
    _topic, symptom, steps, _question = spanish
    version = Flow.for_symptom(symptom).version
    response = client.get(f"/es/mensajes/no-entregado/fix/end/?r=nnn&v={version}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Activa iMessage" in html and steps[1].title in html
    assert "isn't available in" not in html  # the symptom is translated


def test_a_vote_on_a_spanish_article_is_recorded_not_redirected(client, spanish):
    from troubleshooting.models import ArticleVote

    _topic, symptom, *_ = spanish
    form = client.get("/es/mensajes/no-entregado/feedback/")
    html = form.content.decode()
    assert 'action="/es/mensajes/no-entregado/feedback/"' in html
    english = f"/es/{symptom.topic.slug}/{symptom.slug}/feedback/"
    response = client.post(english, {"helpful": "yes", "version": ""})
    assert response.status_code == 303  # recorded, never a 301 that would drop the vote
    assert ArticleVote.objects.get().helpful


@pytest.mark.parametrize("page", ["home", "article", "flow step"])
def test_a_translated_page_costs_the_english_queries_once_its_translations_are_kept(
    client, spanish, settings, page
):
    # Uncached pages, the content version trusted for a while as in production (the test
    # settings read it on every call, a query the English home page never makes).
    settings.PAGE_CACHE_SECONDS, settings.CONTENT_VERSION_CHECK_SECONDS = 0, 60
    _topic, symptom, _steps, _question = spanish
    english = {"home": "/", "article": symptom.get_absolute_url()}.get(
        page, Flow.for_symptom(symptom).step_url(2, "n")
    )

    def count(url):
        assert client.get(url).status_code == 200  # the first reader keeps the translations
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert count(address_in(english, "es")) == count(english)


def test_an_editors_preview_of_a_draft_translation_never_reaches_the_public(
    client, admin_client, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    _topic, symptom, _steps, _question = make_guide(2)
    translate(symptom.topic, slug="mensajes")
    translate(symptom, slug="borrador", title="Borrador", status=Status.DRAFT)
    public = client.get(f"/es/mensajes/{symptom.slug}/").content.decode()
    assert "Borrador" not in public  # the English page, its translations now kept
    admin_client.get("/preview/", {"next": "/"})
    previewed = admin_client.get("/es/mensajes/borrador/")
    assert previewed.status_code == 200 and "Borrador" in previewed.content.decode()
    assert client.get("/es/mensajes/borrador/").status_code == 404
    assert "Borrador" not in client.get(f"/es/mensajes/{symptom.slug}/").content.decode()

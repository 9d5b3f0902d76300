"""Search per language: each language's documents, addresses, typos, synonyms and query budget."""

import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bench.search_labels import LABELLED_ES, LABELLED_FR, REGRESSION_ES, REGRESSION_FR, page_of
from troubleshooting import search
from troubleshooting.models import (
    SearchDocument,
    SearchSynonym,
    Status,
    Symptom,
    SymptomTranslation,
)

pytestmark = pytest.mark.django_db
LABELS = {"es": dict(LABELLED_ES), "fr": dict(LABELLED_FR)}


# The site's English is British English: "en" alone would be a prefixed address.
CODES = {"en": "en-gb", "es": "es", "fr": "fr"}


def top(query: str, language: str, count: int = 3) -> list[str]:
    with translation.override(CODES[language]):
        hits = search.search(query, record_misses=False).hits[:count]
        return [page_of(hit) for hit in hits]


@pytest.mark.parametrize(
    ("language", "query"),
    [("es", query) for query in REGRESSION_ES] + [("fr", query) for query in REGRESSION_FR],
)
def test_regression_samples_keep_an_answer_in_the_top_three(demo_content, language, query):
    assert set(top(query, language)) & LABELS[language][query].keys(), top(query, language)


@pytest.mark.parametrize(
    ("language", "query", "title"),
    [
        ("es", "no entregado", "No entregado"),
        ("fr", "non distribue", "Non distribué"),
        ("en", "not delivered", "Not Delivered"),
    ],
)
def test_each_language_finds_its_own_text_and_pages(demo_content, language, query, title):
    with translation.override(CODES[language]):
        hits = search.search(query, record_misses=False).hits
    assert hits[0].title == title
    prefix = "" if language == "en" else f"/{language}/"
    for hit in hits:
        assert hit.url.startswith(prefix or "/")
        assert language == "en" or hit.url.startswith(prefix)
        assert hit.open_url.startswith(f"{prefix or '/'}search/open/")


def test_spanish_search_never_shows_english_documents(demo_content):
    with translation.override("es"):
        titles = {hit.title for hit in search.search("mensajes", record_misses=False).hits}
    english = set(SearchDocument.objects.filter(language="en").values_list("title", flat=True))
    assert titles and not titles & english - {"iMessage"}


@pytest.mark.parametrize(
    ("language", "plain", "accented"),
    [
        ("es", "envia", "envía"),
        ("es", "reinicio", "reinício"),
        ("fr", "reinitialiser", "réinitialiser"),
    ],
)
def test_accents_are_optional(demo_content, language, plain, accented):
    assert top(plain, language, 5) == top(accented, language, 5) != []


def test_a_step_leads_to_its_anchor_in_the_translated_article(client, demo_content):
    html = client.get("/es/search/", {"q": "forzar reinicio"}).content.decode()
    opens = re.findall(r'href="(/es/search/open/\?[^"]+to=step-[^"]+)"', html)
    assert opens
    response = client.get(unquote(opens[0]).replace("&amp;", "&"))
    assert response.status_code == 302
    article, _, fragment = response["Location"].partition("#")
    assert article.startswith("/es/") and fragment == "step-forzar-reinicio"
    page = client.get(article).content.decode()
    assert f'id="{fragment}"' in page


def test_a_symptom_leads_to_its_translated_address(client, demo_content):
    with translation.override("fr"):
        hit = search.search("non distribue", record_misses=False).hits[0]
    assert hit.url.startswith("/fr/") and "non-distribue" in hit.url
    assert client.get(hit.url).status_code == 200
    assert client.get(hit.flow_url)["Location"].startswith("/fr/")


class TestTheIndex:
    def translation(self):
        return SymptomTranslation.objects.get(source__slug="not-delivered", language="es")

    def documents(self, language):
        symptom = Symptom.objects.get(slug="not-delivered")
        return SearchDocument.objects.filter(
            kind="symptom", object_id=symptom.pk, language=language
        )

    def test_a_draft_translation_leaves_the_index_and_comes_back_published(self, demo_content):
        translated = self.translation()
        translated.status = Status.DRAFT
        translated.save()
        assert not self.documents("es").exists()
        assert self.documents("en").exists() and self.documents("fr").exists()
        assert "symptom:not-delivered" not in top("no entregado", "es", 10)
        translated.status = Status.PUBLISHED
        translated.save()
        assert self.documents("es").get().title == translated.title

    def test_an_untranslated_item_is_found_in_english_only(self, demo_content):
        self.translation().delete()
        assert "symptom:not-delivered" not in top("no entregado", "es", 10)
        assert top("not delivered", "en", 1) == ["symptom:not-delivered"]

    def test_a_scheduled_translation_is_indexed_but_not_found_yet(self, demo_content):
        from datetime import timedelta

        from django.utils import timezone

        translated = self.translation()
        translated.publish_at = timezone.now() + timedelta(days=1)
        translated.save()
        assert self.documents("es").exists()
        assert "symptom:not-delivered" not in top("no entregado", "es", 10)

    def test_an_edited_translation_is_found_by_its_new_words(self, demo_content):
        translated = self.translation()
        translated.aliases += "\nzorblax"
        translated.save()
        assert top("zorblax", "es", 1) == ["symptom:not-delivered"]
        assert top("zorblax", "en", 1) == []

    def test_an_unpublished_source_takes_every_language_with_it(self, demo_content):
        symptom = Symptom.objects.get(slug="not-delivered")
        symptom.status = Status.DRAFT
        symptom.save()
        assert not self.documents("es").exists() and not self.documents("en").exists()


class TestTyposAndSynonymsPerLanguage:
    def test_typos_are_corrected_against_the_language_s_own_words(self, demo_content):
        with translation.override("es"):
            assert search.search("entregdo", record_misses=False).corrected_query == "entregado"
        with translation.override("fr"):
            corrected = search.search("distribeu", record_misses=False).corrected_query
        assert corrected == "distribue"
        # English does not know the Spanish word.
        assert search.search("entregdo", record_misses=False).corrected_query != "entregado"

    def test_a_synonym_works_in_its_own_language_only(self, demo_content):
        SearchSynonym.objects.create(language="fr", phrases="plouf", means="non distribué")
        assert top("plouf", "fr", 1) == ["symptom:not-delivered"]
        assert top("plouf", "es", 3) == [] and top("plouf", "en", 3) == []

    def test_the_same_words_may_be_a_synonym_in_two_languages(self, demo_content):
        SearchSynonym.objects.create(language="en", phrases="plouf\nsplash")
        SearchSynonym.objects.create(language="fr", phrases="plouf\nsplash")
        assert SearchSynonym.objects.filter(phrases="plouf\nsplash").count() == 2

    def test_editors_filter_synonyms_by_language(self, admin_client, demo_content):
        response = admin_client.get("/admin/troubleshooting/searchsynonym/", {"language": "es"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "itinerancia" in html and "roaming" in html and "itinérance" not in html


@pytest.mark.parametrize("prefix", ["", "/es", "/fr"])
def test_a_search_page_costs_the_same_queries_in_every_language(
    client, demo_content, prefix, django_assert_max_num_queries
):
    search.vocabulary(prefix.strip("/") or "en")  # built once per content change
    words = ["sim", "sim tarjeta carte reinicio redemarrer bloqueado wifi ajustes"]
    for query in words:  # the translations of the items found are read once, then kept
        client.get(f"{prefix}/search/", {"q": query})
    counts = []
    for query in words:
        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as queries:
            assert client.get(f"{prefix}/search/", {"q": query}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_search_that_finds_nothing_offers_common_problems_in_the_language(client, demo_content):
    html = client.get("/es/search/", {"q": "zzzqqq"}).content.decode()
    assert 'href="/es/mensajes/no-entregado/"' in html and ">No entregado</a>" in html
    assert "/es/messages/" not in html


def test_words_typed_without_accents_are_marked_in_accented_text(demo_content):
    with translation.override("fr"):
        hit = search.search("reinitialiser reseau", record_misses=False).hits[0]
    assert "<mark>réinitialis" in hit.snippet.lower() or "<mark>réseau" in hit.snippet.lower()

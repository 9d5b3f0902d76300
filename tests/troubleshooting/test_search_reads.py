"""What a search reads: only what its results show, in a fixed number of queries."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_step, make_symptom
from troubleshooting import search
from troubleshooting.models import SearchDocument, Symptom, SymptomCause, SymptomStep
from troubleshooting.search import shown
from troubleshooting.search.ranking import _has, _spaced, fields_of

pytestmark = pytest.mark.django_db

# Columns of the guide's own rows that a page of results never shows: Markdown, HTML, pieces.
UNSHOWN = re.compile(
    r'"troubleshooting_(?:symptom|fixstep|cause|topic)"\."(?:summary|body|body_html|next_moves'
    r"|next_moves_html|instructions|instructions_html|warning|warning_html|description"
    r'|description_html|pieces|escalation|escalation_html)"'
)


def kinds(results) -> set[str]:
    return {hit.kind for hit in results.hits}


def test_results_read_no_markdown_html_or_pieces(client, demo_content):
    search.vocabulary()  # built once per content change, not per request
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/search/", {"q": "restart settings blocked"}).content.decode()
    assert "Fix step in" in html and "Cause, in" in html and "Problem" in html
    read = [query["sql"] for query in queries if UNSHOWN.search(query["sql"])]
    assert read == []


def test_a_search_reads_the_same_few_queries_however_many_results(demo_content):
    search.vocabulary()
    counts = []
    for limit in (4, 20):
        with CaptureQueriesContext(connection) as queries:
            results = search.search("restart settings blocked", limit=limit, record_misses=False)
        assert len(results.hits) == limit
        assert kinds(results) == {"symptom", "step", "cause"}
        counts.append(len(queries))
    # The content version, the engine's candidates, their documents, the steps' and the causes'
    # links, the articles (on PostgreSQL, a trigram match may add to few candidates).
    assert counts[0] == counts[1] <= 7


def test_a_result_that_cannot_be_opened_is_replaced_by_the_next(demo_content, monkeypatch):
    search.vocabulary()
    everything = search.search("imessage", limit=20, record_misses=False).hits
    assert everything[0].kind == "symptom"
    gone = everything[0].symptom.pk  # the first result, an article
    read = shown.symptoms

    def taken_offline_meanwhile(ids):
        return {pk: symptom for pk, symptom in read(ids).items() if pk != gone}

    monkeypatch.setattr(shown, "symptoms", taken_offline_meanwhile)
    hits = search.search("imessage", limit=3, record_misses=False).hits
    # Its steps are shown in another article that lists them; a page of results is still full,
    # from past the first three when needed.
    assert len(hits) == 3 and gone not in {hit.symptom.pk for hit in hits}
    assert [hit.title for hit in hits[:2]] == [hit.title for hit in everything[1:3]]
    assert hits[2].title in {hit.title for hit in everything[3:]}


def test_a_step_is_shown_in_the_best_ranked_article_that_lists_it(demo_content):
    results = search.search("force restart frozen", record_misses=False)
    step = next(hit for hit in results.hits if hit.kind == "step")
    ranked = [hit.symptom.pk for hit in results.hits if hit.kind == "symptom"]
    listing = {link[2] for link in shown.linked({"step": [step_id(step)]})}
    assert step.symptom.pk == next(pk for pk in ranked if pk in listing)


def step_id(hit) -> int:
    return int(re.search(r"to=step-(\d+)", hit.open_url).group(1))


def test_prefix_test_on_one_text_answers_as_the_words_one_by_one():
    generator = random.Random(15)  # noqa: S311 (words for a test, the same each run)
    letters = "abcde"
    for _ in range(2000):
        words = ["".join(generator.choices(letters, k=generator.randint(1, 5))) for _ in range(4)]
        words = words[: generator.randint(0, 4)]
        stems = tuple(
            "".join(generator.choices(letters, k=generator.randint(1, 3)))
            for _ in range(generator.randint(1, 2))
        )
        one_by_one = all(any(word.startswith(stem) for word in words) for stem in stems)
        assert _has(_spaced(words), stems) == one_by_one, (words, stems)


def never_built_again(read, monkeypatch):
    def build(**values):
        raise AssertionError("left to the ORM")

    monkeypatch.setattr(read, "build", build)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_reads_are_written_once_and_give_the_querysets_rows(
    demo_content, language, monkeypatch
):
    document_ids = list(
        search.findable_documents(language).order_by("pk").values_list("pk", flat=True)[:30]
    )
    # Each with one that is not there, simply not found.
    step_ids = [*SymptomStep.objects.values_list("step_id", flat=True)[:3], 10**6]
    cause_ids = [*SymptomCause.objects.values_list("cause_id", flat=True)[:3], 10**6]
    symptom_ids = [*Symptom.objects.values_list("pk", flat=True)[:4], 10**6]
    shown.documents(language, document_ids)
    shown.linked({"step": step_ids, "cause": cause_ids})
    shown.symptoms(symptom_ids)
    for read in (shown._documents_by_language[language], *shown._links.values(), shown._symptoms):
        never_built_again(read, monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        documents = shown.documents(language, document_ids)
        links = shown.linked({"step": step_ids, "cause": cause_ids})
        symptoms = shown.symptoms(symptom_ids)
    assert len(queries) == 4
    assert {link[0] for link in links} == {"step", "cause"} and len(symptoms) == 4
    expected = search.findable_documents(language).filter(pk__in=document_ids)
    assert {pk: document.title for pk, document in documents.items()} == dict(
        expected.values_list("pk", "title")
    )
    assert len(documents) == len(document_ids)
    for kind, ids in (("step", step_ids), ("cause", cause_ids)):
        rows = shown._links_query(preview=False, kind=kind, ids=ids)
        assert sorted(link[1:] for link in links if link[0] == kind) == sorted(rows)
    rows = shown._symptoms_query(preview=False, ids=symptom_ids)
    assert {pk: (s.slug, s.topic.slug) for pk, s in symptoms.items()} == {
        row[0]: (row[2], row[6]) for row in rows
    }


def test_a_documents_words_are_kept_by_its_texts_and_split_afresh_once_edited(client):
    guide = make_step(title="Restart the phone", slug="restart")
    make_symptom(title="Phone frozen", slug="frozen", steps=[guide])
    before = client.get("/search/", {"q": "restart"}).content.decode()
    document = SearchDocument.objects.get(kind="step", object_id=guide.pk)
    again = SearchDocument.objects.get(pk=document.pk)
    assert fields_of(again) is fields_of(document)  # the same texts, split once
    guide.title = "Reboot the handset"
    guide.save()
    edited = SearchDocument.objects.get(kind="step", object_id=guide.pk)
    assert fields_of(edited).title == ("reboot", "the", "handset")
    assert "Restart the phone" in before
    assert "Reboot the handset" in client.get("/search/", {"q": "reboot handset"}).content.decode()

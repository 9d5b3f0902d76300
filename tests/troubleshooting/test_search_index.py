"""The search engine on small, made-up content: typos, snippets, drafts, the index kept in step
with edits, and the record of searches that found nothing."""

import pytest

from tests.factories import make_cause, make_step, make_symptom, make_topic
from troubleshooting import search
from troubleshooting.models import SearchDocument, SearchMiss, Status, SymptomTranslation

pytestmark = pytest.mark.django_db


def top_symptom(query: str) -> str | None:
    results = search.search(query, record_misses=False)
    return results.hits[0].symptom.slug if results.hits else None


class TestEngine:
    def test_did_you_mean_when_nothing_matches(self, db):
        make_symptom(title="Bluetooth won't pair", body="Pairing fails.")
        results = search.search("bltth")
        assert results.hits == []
        assert results.suggestion == "bluetooth"

    def test_snippets_mark_matches_and_escape_everything_else(self, db):
        make_symptom(
            title="Sending problem",
            summary="<script>alert(1)</script> Your sending stops.",
            body="x",
        )
        hit = search.search("sending", record_misses=False).hits[0]
        assert "<script" not in hit.snippet
        assert "&lt;script" in hit.snippet
        assert "<mark>sending</mark>" in hit.snippet

    def test_drafts_never_show(self, db):
        make_symptom(title="Secret draft about bluetooth", status=Status.DRAFT)
        make_step(title="Draft step about bluetooth", status=Status.DRAFT)
        assert search.search("bluetooth", record_misses=False).hits == []

    def test_a_symptom_in_a_draft_topic_is_hidden(self, db):
        make_symptom(title="Bluetooth", topic=make_topic(status=Status.DRAFT))
        assert search.search("bluetooth", record_misses=False).hits == []

    def test_empty_and_meaningless_queries(self, db):
        assert search.search("").hits == []
        assert search.search("   the and of  ").hits == []
        assert not SearchMiss.objects.exists()


class TestIndexInStep:
    def test_new_published_content_is_found(self):
        symptom = make_symptom(title="Keyboard lag", aliases="typing is slow")
        assert top_symptom("typing slow") == symptom.slug

    def test_edits_are_found_and_old_words_forgotten(self):
        symptom = make_symptom(title="Keyboard lag")
        symptom.title = "Screen flicker"
        symptom.save()
        assert top_symptom("flicker") == symptom.slug
        assert top_symptom("keyboard") is None

    def test_unpublishing_and_deleting_remove_it(self):
        symptom = make_symptom(title="Keyboard lag")
        cause = make_cause(title="Keyboard cache full")
        symptom.status = Status.DRAFT
        symptom.save()
        assert top_symptom("keyboard") is None
        cause.delete()
        assert not SearchDocument.objects.filter(title__icontains="keyboard").exists()


class TestMisses:
    def test_searches_that_find_nothing_are_counted_by_their_words_only(self):
        search.search("Xyzzy  frobnicate!")
        search.search("xyzzy frobnicate")
        miss = SearchMiss.objects.get()
        assert miss.query == "xyzzy frobnicate"
        assert miss.count == 2
        field_names = {f.name for f in SearchMiss._meta.get_fields()}
        # The language is that of the pages searched, not anything about the person.
        assert field_names == {"id", "query", "language", "count", "first_seen", "last_seen"}


def test_an_items_save_writes_only_the_documents_whose_text_changed():
    symptom = make_symptom(title="Keyboard lag", summary="Typing is slow.")
    SymptomTranslation.objects.create(
        source=symptom, language="es", title="Teclado lento", slug="teclado-lento",
        status=Status.PUBLISHED,
    )  # fmt: skip
    documents = SearchDocument.objects.filter(object_id=symptom.pk)
    written = dict(documents.values_list("language", "updated"))
    symptom.summary = "Typing lags behind."
    symptom.save()
    rewritten = dict(documents.values_list("language", "updated"))
    assert rewritten["es"] == written["es"] and rewritten["en"] > written["en"]
    assert "lags behind" in documents.get(language="en").body
    # What is compared is the stored text: a translation changed without a save (its document
    # left behind) is written with the item's next save.
    SymptomTranslation._base_manager.filter(source=symptom).update(title="Teclado muy lento")
    symptom.save()
    assert documents.get(language="es").title == "Teclado muy lento"
    assert dict(documents.values_list("language", "updated"))["en"] == rewritten["en"]


def test_rebuild_command_reports_what_it_indexed():
    from io import StringIO

    from django.core.management import call_command

    make_symptom(title="Keyboard lag")
    make_cause(title="Cache full", status=Status.DRAFT)
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 1 documents" in out.getvalue()
    assert str(SearchDocument.objects.get()) == "symptom: Keyboard lag"


def test_a_snippet_without_search_words_is_escaped_text():
    assert search.highlight("Plain text & <more>", []) == "Plain text &amp; &lt;more&gt;"


def test_a_miss_without_words_is_not_recorded():
    search.record_miss("?!  …")
    assert not SearchMiss.objects.exists()


def test_a_symptom_found_by_an_alias_names_that_alias_never_the_list():
    make_symptom(
        title="Screen problem", summary="The display misbehaves.", aliases="flicker\nflashing"
    )
    hit = search.search("flicker", record_misses=False).hits[0]
    assert hit.snippet.startswith("Also called “<mark>flicker</mark>”. The display misbehaves.")
    assert "flashing" not in hit.snippet

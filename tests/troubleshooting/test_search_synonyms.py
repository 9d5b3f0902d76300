"""Synonyms editors keep: what they lead to, the typo corrector, the admin and the guide files."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_cause, make_step, make_symptom
from tests.troubleshooting.guide_folders import export, import_guide
from troubleshooting import search
from troubleshooting.models import SearchSynonym

pytestmark = pytest.mark.django_db


def titles(query: str, **options) -> list[str]:
    return [hit.title for hit in search.search(query, record_misses=False, **options).hits]


def test_one_way_synonym_leads_to_the_guides_word_and_not_back():
    make_symptom(
        title="Texts fail",
        steps=[make_step(title="Check data roaming")],
        causes=[make_cause(title="Abroad on holiday", description="Abroad.")],
    )
    SearchSynonym.objects.create(phrases="abroad\ntravelling", means="roaming")
    assert titles("travelling") == ["Check data roaming"]
    assert "Abroad on holiday" not in titles("roaming")


def test_two_way_synonyms_find_each_other_and_phrases_count_whole():
    steps = [make_step(title="Restart your phone"), make_step(title="Reboot the router")]
    make_symptom(title="Frozen", steps=steps)
    SearchSynonym.objects.create(phrases="restart\nreboot\nturn it off and on")
    assert set(titles("reboot")) == {"Restart your phone", "Reboot the router"}
    assert "Restart your phone" in titles("turn it off and on")


def test_the_words_people_typed_rank_above_their_synonyms():
    steps = [make_step(title="Restart your phone"), make_step(title="Reboot the router")]
    make_symptom(title="Frozen", steps=steps)
    SearchSynonym.objects.create(phrases="restart\nreboot")
    assert titles("reboot")[0] == "Reboot the router"


def test_the_typo_corrector_knows_synonym_words():
    make_symptom(title="Texts fail", steps=[make_step(title="Check data roaming")])
    SearchSynonym.objects.create(phrases="overseas", means="roaming")
    results = search.search("oversaes", record_misses=False)
    assert results.corrected_query == "overseas"
    assert [hit.title for hit in results.hits] == ["Check data roaming"]


def test_a_new_synonym_takes_effect_at_once():
    make_symptom(title="Green bubble")
    assert titles("android") == []
    SearchSynonym.objects.create(phrases="android", means="green bubble")
    assert titles("android") == ["Green bubble"]


@pytest.mark.parametrize(
    ("phrases", "means"),
    [("abroad, overseas", "roaming"), ("one", ""), ("x → y", ""), ("", "roaming")],
)
def test_bad_synonyms_are_refused_with_a_clear_message(phrases, means):
    with pytest.raises(ValidationError):
        SearchSynonym(phrases=phrases, means=means).full_clean()


def test_synonyms_round_trip_through_the_guide_files(tmp_path):
    make_symptom(title="Green bubble", slug="green")
    SearchSynonym.objects.create(phrases="abroad\ntravelling", means="roaming")
    SearchSynonym.objects.create(phrases="restart\nreboot")
    export(tmp_path)
    text = (tmp_path / "synonyms.md").read_text()
    assert "- abroad, travelling → roaming\n" in text
    assert "- restart, reboot\n" in text
    SearchSynonym.objects.all().delete()
    import_guide(tmp_path)
    assert {str(s) for s in SearchSynonym.objects.all()} == {
        "abroad, travelling → roaming",
        "restart, reboot",
    }
    export(tmp_path)
    assert (tmp_path / "synonyms.md").read_text() == text  # no diff


def test_import_makes_synonyms_what_the_file_says(tmp_path):
    make_symptom(title="Green bubble", slug="green")
    SearchSynonym.objects.create(phrases="abroad", means="roaming")
    export(tmp_path)
    (tmp_path / "synonyms.md").write_text("# Search synonyms\n\n- wifi, wi-fi, internet\n")
    import_guide(tmp_path)
    assert [str(s) for s in SearchSynonym.objects.all()] == ["wifi, wi-fi, internet"]


def test_a_bad_line_in_the_synonyms_file_says_where(tmp_path):
    make_symptom(title="Green bubble", slug="green")
    export(tmp_path)
    (tmp_path / "synonyms.md").write_text("- lonely\n")
    with pytest.raises(Exception, match="line 1"):
        import_guide(tmp_path)


def test_editors_keep_synonyms_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/troubleshooting/searchsynonym/add/",
        {"language": "en", "phrases": "abroad\r\n travelling ", "means": "roaming"},
    )
    assert response.status_code == 302
    assert str(SearchSynonym.objects.get()) == "abroad, travelling → roaming"
    response = admin_client.post(
        "/admin/troubleshooting/searchsynonym/add/", {"phrases": "alone", "means": ""}
    )
    assert response.status_code == 200
    assert "Give at least two phrases" in response.content.decode()

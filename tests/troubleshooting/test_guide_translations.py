"""Translated guide files: ``content/<lang>/…`` read, checked against the English, and written."""

import shutil
from pathlib import Path

import pytest

from tests.troubleshooting.guide_folders import (
    CONTENT_DIR,
    export,
    files_in,
    import_guide,
    rewrite,
)
from troubleshooting.guide_files import GuideFileError
from troubleshooting.guide_files.translations import LANGUAGES
from troubleshooting.models import (
    TRANSLATION_MODELS,
    CauseTranslation,
    FixStepTranslation,
    Status,
    SymptomTranslation,
    TopicTranslation,
    TriageQuestionTranslation,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "translation_sample"
CONTENT = [
    f"troubleshooting.{name}"
    for name in (
        [
            "topic",
            "cause",
            "fixstep",
            "symptom",
            "symptomcause",
            "symptomstep",
            "triagequestion",
            "triagechoice",
            "searchsynonym",
        ]
    )
]


@pytest.fixture
def guide(tmp_path):
    """The demo guide's files with the Spanish and French sample beside them."""
    folder = tmp_path / "guide"
    # The English files alone: the demo guide's own translations would mix with the sample.
    shutil.copytree(CONTENT_DIR, folder, ignore=shutil.ignore_patterns(*LANGUAGES))
    shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
    return folder


def test_translations_are_imported_with_their_own_state(guide):
    output = import_guide(guide)
    assert "63 new" in output  # 56 English items and 7 translations
    symptom = SymptomTranslation.objects.get(language="es")
    assert (symptom.source.slug, symptom.slug, symptom.title) == (
        "not-delivered",
        "no-entregado",
        "No entregado",
    )
    assert "<strong>No entregado</strong>" in symptom.body_html
    assert symptom.next_moves.startswith("- Puede que haya cambiado de número")
    assert symptom.aliases.splitlines()[1] == "signo de exclamación rojo"
    assert CauseTranslation.objects.get().status == Status.DRAFT
    french_topic = TopicTranslation.objects.get(language="fr")
    assert french_topic.publish_at.isoformat() == "2026-12-01T09:00:00+00:00"
    question = TriageQuestionTranslation.objects.get()
    assert [choice["label"] for choice in question.choices][:2] == ["Enviando…", "No entregado"]
    assert question.choices[2] == {"label": "Entregado", "hint": ""}
    assert not any(translation.is_outdated for translation in SymptomTranslation.objects.all())


def test_translations_survive_a_round_trip_through_files(guide, tmp_path):
    import_guide(guide)
    export(tmp_path / "exported")
    assert files_in(tmp_path / "exported") == {
        name: text for name, text in files_in(guide).items() if not name.endswith("readme.md")
    }
    assert "Reimported" not in import_guide(tmp_path / "exported")
    assert "0 new, 0 changed" in import_guide(tmp_path / "exported")


def test_an_english_change_makes_the_unchanged_translation_outdated(guide):
    import_guide(guide)
    rewrite(guide / "steps" / "force-restart.md", "It doesn't delete", "It never deletes")
    import_guide(guide)
    assert FixStepTranslation.objects.get().is_outdated
    rewrite(guide / "es" / "steps" / "force-restart.md", "No borra", "Nunca borra")
    import_guide(guide)
    assert not FixStepTranslation.objects.get().is_outdated  # the translator's new word


@pytest.mark.parametrize(
    ("path", "old", "new", "problem"),
    [
        (
            "es/steps/force-restart.md",
            "status: published",
            "severity: destructive\nstatus: published",
            "“severity” stays in the English file only",
        ),
        (
            "es/messages/questions/what-does-it-say.md",
            "  - label: Entregado\n",
            "",
            "must translate the English file's 6 answers",
        ),
        (
            "es/messages/questions/what-does-it-say.md",
            "  - label: Entregado\n",
            "  - label: Entregado\n    symptom: not-delivered\n",
            "answer 3 in “choices”: “symptom” stays in the English file only",
        ),
        (
            "fr/messages/symptoms/not-delivered.md",
            "slug: non-distribue",
            "slug: stuck-on-sending",
            "“slug”: Another item has this address in English",
        ),
        ("es/causes/no-internet.md", "slug: sin-internet", "slug:", "“slug” is missing"),
        (
            "es/messages/topic.md",
            "slug: mensajes",
            "slug: Mensajes con tilde",
            "“slug”: Enter a valid “slug”",
        ),
        (
            "es/messages/symptoms/not-delivered.md",
            "status: published",
            "status: live",
            "“status”: Value 'live' is not a valid choice.",
        ),
    ],
)
def test_a_bad_translation_file_is_named_and_nothing_is_saved(guide, path, old, new, problem):
    rewrite(guide / path, old, new)
    with pytest.raises(Exception) as error:
        import_guide(guide)
    assert str(guide / path) in str(error.value)
    assert problem in str(error.value)
    assert not SymptomTranslation.objects.exists()


def test_a_translation_of_an_item_that_does_not_exist_is_refused(guide):
    (guide / "es" / "steps" / "force-restart.md").rename(guide / "es" / "steps" / "restart.md")
    with pytest.raises(Exception, match="this translates no item") as error:
        import_guide(guide)
    assert "es/steps/restart.md" in str(error.value)


def test_two_translations_with_one_slug_are_refused(guide):
    shutil.copy(
        guide / "es" / "messages" / "symptoms" / "not-delivered.md",
        guide / "es" / "messages" / "symptoms" / "stuck-on-sending.md",
    )
    with pytest.raises(Exception, match="in this language has the slug “no-entregado”"):
        import_guide(guide)


def test_a_language_folder_is_never_taken_for_a_topic(guide):
    from troubleshooting.guide_files.reading import read_guide

    slugs = {item.slug for item in read_guide(guide)}
    assert "es" not in slugs and "fr" not in slugs
    assert issubclass(GuideFileError, Exception)


def test_a_fixture_with_translations_is_the_same_from_the_same_files_and_loads(guide, tmp_path):
    from django.core.management import call_command

    from tests.troubleshooting.guide_folders import database_content, delete_content

    def dump() -> str:
        out = tmp_path / "fixture.json"
        models = [
            f"troubleshooting.{model._meta.model_name}" for model in TRANSLATION_MODELS.values()
        ]
        call_command(
            "dumpdata",
            *CONTENT,
            *models,
            natural_foreign=True,
            natural_primary=True,
            indent=2,
            output=str(out),
        )
        return out.read_text()

    import_guide(guide, timestamp="2026-11-23T00:00:00Z")
    first, before = dump(), database_content()
    delete_content()
    call_command("loaddata", str(tmp_path / "fixture.json"), verbosity=0)
    assert database_content() == before
    assert SymptomTranslation.objects.get(language="fr").slug == "non-distribue"
    assert dump() == first


def test_a_languages_synonyms_are_that_languages_search_synonyms(guide, tmp_path):
    from troubleshooting.models import SearchSynonym

    (guide / "es" / "synonyms.md").write_text("- mensaje, sms\n", encoding="utf-8")
    import_guide(guide)  # not read as a translation, nor as English synonyms
    english = SearchSynonym.objects.filter(language="en").count()
    assert [s.phrase_list() for s in SearchSynonym.objects.exclude(language="en")] == [
        ["mensaje", "sms"]
    ]
    export(tmp_path)
    assert (
        (tmp_path / "es" / "synonyms.md").read_text(encoding="utf-8").endswith("\n- mensaje, sms\n")
    )
    assert not (tmp_path / "fr" / "synonyms.md").exists()
    # Without its file, a language keeps its synonyms, and the English keep theirs.
    (guide / "es" / "synonyms.md").unlink()
    import_guide(guide)
    assert SearchSynonym.objects.filter(language="es").count() == 1
    assert SearchSynonym.objects.filter(language="en").count() == english


def test_export_refuses_a_topic_named_like_a_language(tmp_path):
    from django.core.management.base import CommandError

    from tests.factories import make_topic

    make_topic(slug="es")
    with pytest.raises(CommandError, match="a shared folder or a language's"):
        export(tmp_path)

"""The interface's catalogues: complete, compiled, in step with the code, placeholders kept."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

# Plain values and files in, a judgement out: no database engine or cache can change it.
pytestmark = pytest.mark.engine_independent

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LOCALE = Path(settings.BASE_DIR) / "locale"
# What makemessages reads: the source of every interface string.
SOURCES = ["helpcenter", "templates", "troubleshooting"]
# Python's named placeholders, as in "%(count)d" or "%(name)s", and a literal "%%".
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%%")


def catalogue(language: str, kind: str = "po"):
    path = LOCALE / language / "LC_MESSAGES" / f"django.{kind}"
    return polib.pofile(str(path)) if kind == "po" else polib.mofile(str(path))


def key(entry) -> tuple[str, str, str]:
    return entry.msgctxt or "", entry.msgid, entry.msgid_plural or ""


def translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_every_language_but_english_has_a_catalogue():
    assert LANGUAGES == ["es", "fr"]
    for language in LANGUAGES:
        assert (LOCALE / language / "LC_MESSAGES" / "django.po").is_file()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_entry_is_untranslated_fuzzy_or_obsolete(language):
    po = catalogue(language)
    assert len(po) > 300  # the whole interface, not a stub
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    assert not po.metadata_is_fuzzy
    assert po.percent_translated() == 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_form_is_written(language):
    po = catalogue(language)
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
    for entry in po:
        if entry.msgid_plural:
            assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    """A .po edited without compilemessages would leave the site showing the old words."""
    written = {key(entry): translations(entry) for entry in catalogue(language) if entry.msgid}
    compiled = {key(entry): translations(entry) for entry in catalogue(language, "mo")}
    compiled.pop(("", "", ""), None)  # the header
    assert compiled == written


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_between_source_and_translation(language):
    for entry in catalogue(language):
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        for text in translations(entry):
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (entry.msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_format_entries_are_flagged_so_gettext_checks_them(language):
    """xgettext marks a string with %(name)s as python-format; msgfmt --check then checks it."""
    python_sources = [
        entry
        for entry in catalogue(language)
        if any(path.endswith(".py") for path, _line in entry.occurrences)
        and PLACEHOLDER.search(entry.msgid)
    ]
    assert python_sources
    assert all("python-format" in entry.flags for entry in python_sources)


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_in_a_translation_is_the_html_of_its_source(language):
    """A link or an emphasis lost or broken in translation would change the page, not its words."""
    tag = re.compile(r"<[^>]+>")
    for entry in catalogue(language):
        for text in translations(entry):
            assert sorted(tag.findall(text)) == sorted(tag.findall(entry.msgid)), entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_every_string_in_the_code_is_in_the_catalogues(tmp_path, monkeypatch):
    """Gather the strings again from a copy of the code: none may be missing or left over."""
    for source in SOURCES:
        shutil.copytree(
            Path(settings.BASE_DIR) / source,
            tmp_path / source,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copytree(LOCALE, tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=LANGUAGES, verbosity=0)
    for language in LANGUAGES:
        fresh = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
        gathered = {key(entry) for entry in fresh if not entry.obsolete}
        committed = {key(entry) for entry in catalogue(language)}
        assert gathered - committed == set(), "run `make messages` and translate"
        assert committed - gathered == set(), "run `make messages`: these are no longer used"
        assert fresh.untranslated_entries() == []
        assert fresh.fuzzy_entries() == []

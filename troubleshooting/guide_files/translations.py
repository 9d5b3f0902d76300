"""Translated guide files: ``<lang>/<path>.md`` translates the English ``<path>.md``.

A translation file holds only the item's translatable keys (and its own ``status`` and
``publish_at``), and the same Markdown parts under the same section markers as the English file.
The structure (severity, order, answers' targets…) stays in the English file alone, so a
translation can never change how the guide works.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import models
from django.utils.translation import gettext, ngettext

from troubleshooting.models import (
    TRANSLATION_LANGUAGES,
    CauseTranslation,
    FixStepTranslation,
    SymptomTranslation,
    TopicTranslation,
    TriageQuestionTranslation,
)

from .folders import entries
from .formats import (
    CAUSE,
    CAUSES_FOLDER,
    DATE_TIME,
    LINES,
    QUESTION,
    QUESTIONS_FOLDER,
    STEP,
    STEPS_FOLDER,
    SYMPTOM,
    SYMPTOMS_FOLDER,
    TEXT,
    TOPIC,
    TOPIC_FILE,
    FileFormat,
    GuideFileError,
    Item,
    shown,
    split_body,
)
from .reading import from_yaml, front_matter_and_body
from .synonyms import SYNONYMS_FILE

LANGUAGES = tuple(code for code, _ in TRANSLATION_LANGUAGES)
_STATE = (("status", TEXT), ("publish_at", DATE_TIME))


def _translation_format(kind: FileFormat, model, fields) -> FileFormat:
    return FileFormat(
        f"{kind.name} translation",
        model,
        fields,
        text=kind.text,
        sections=kind.sections,
        lists=("choices",) if kind is QUESTION else (),
    )


# Keys in the English file's order, the translation's own state where the English has its own.
TRANSLATION_FORMATS = {
    TOPIC.name: _translation_format(
        TOPIC, TopicTranslation, (("title", TEXT), ("slug", TEXT), *_STATE, ("summary", TEXT))
    ),
    CAUSE.name: _translation_format(
        CAUSE, CauseTranslation, (("title", TEXT), ("slug", TEXT), *_STATE)
    ),
    STEP.name: _translation_format(
        STEP,
        FixStepTranslation,
        (("title", TEXT), ("slug", TEXT), *_STATE, ("settings_path", TEXT)),
    ),
    SYMPTOM.name: _translation_format(
        SYMPTOM,
        SymptomTranslation,
        (("title", TEXT), ("slug", TEXT), *_STATE, ("summary", TEXT), ("aliases", LINES)),
    ),
    QUESTION.name: _translation_format(
        QUESTION, TriageQuestionTranslation, (("prompt", TEXT), ("slug", TEXT), *_STATE)
    ),
}
CHOICE_TRANSLATION_KEYS = ("label", "hint")


@dataclass
class TranslatedItem:
    """One translation file, read and checked against its English file, ready to be saved."""

    english: Item
    language: str
    path: Path
    values: dict[str, object]
    choices: list[dict[str, str]] | None = None

    @property
    def kind(self) -> FileFormat:
        return TRANSLATION_FORMATS[self.english.kind.name]


def english_path(item: Item, directory: Path) -> Path:
    """Return where an English item's file lies, relative to the guide folder."""
    return item.path.relative_to(directory)


def translated_path(kind: FileFormat, obj: models.Model) -> Path:
    """Return the English file's path of an item, as its translations' files repeat it."""
    if kind is CAUSE:
        return Path(CAUSES_FOLDER, f"{obj.slug}.md")
    if kind is STEP:
        return Path(STEPS_FOLDER, f"{obj.slug}.md")
    if kind is TOPIC:
        return Path(obj.slug, TOPIC_FILE)
    folder = SYMPTOMS_FOLDER if kind is SYMPTOM else QUESTIONS_FOLDER
    return Path(obj.topic.slug, folder, f"{obj.slug}.md")


def read_translations(directory: Path, items: list[Item]) -> list[TranslatedItem]:
    """Read every ``<lang>/`` folder of the guide, each file checked against its English file."""
    by_path = {english_path(item, directory): item for item in items}
    translated: list[TranslatedItem] = []
    for language in LANGUAGES:
        folder = directory / language
        if folder.is_dir():
            translated += [
                read_translation(path, language, by_path.get(path.relative_to(folder)))
                for path in _translation_files(folder)
            ]
    _refuse_duplicate_slugs(translated)
    return translated


def _translation_files(folder: Path) -> list[Path]:
    """Return the Markdown files of a language folder (its synonyms are search's, not ours)."""
    files, folders = [], [folder]
    while folders:
        for path in entries(folders.pop()):
            if path.is_dir():
                folders.append(path)
            elif path.parent != folder or path.name != SYNONYMS_FILE:
                files.append(path)
    return sorted(files)


def read_translation(path: Path, language: str, english: Item | None) -> TranslatedItem:
    """Read one translation file: only translatable keys, the English file's sections."""
    if english is None or path.suffix != ".md":
        message = gettext(
            "this translates no item: a translation lies at the same path under “%(language)s/” "
            "as the English file it translates, and that file does not exist."
        )
        raise GuideFileError(path, message % {"language": language})
    kind = TRANSLATION_FORMATS[english.kind.name]
    data, body = front_matter_and_body(path)
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise GuideFileError(
            path, gettext("the front matter must be fields, one “name: value” a line.")
        )
    for key in data:
        if key not in kind.keys:
            if key in english.kind.keys:
                message = gettext(
                    "“%(field)s” stays in the English file only: a translation changes words, "
                    "not how the guide works (a %(kind)s has: %(fields)s)."
                )
            else:
                message = gettext(
                    "“%(field)s” is not a field of a translation (a %(kind)s has: %(fields)s)."
                )
            names = {"field": shown(key), "kind": kind.label, "fields": ", ".join(kind.keys)}
            raise GuideFileError(path, message % names)
    values = {key: from_yaml(kind, key, how, data.get(key), path) for key, how in kind.fields}
    if not values["slug"]:
        raise GuideFileError(
            path, gettext("“slug” is missing: the item's address in this language.")
        )
    values.update(split_body(kind, body, path))
    item = TranslatedItem(english=english, language=language, path=path, values=values)
    if english.kind is QUESTION:
        item.choices = _read_choices(data.get("choices"), english, path)
    return item


def _read_choices(value, english: Item, path: Path) -> list[dict[str, str]]:
    theirs = english.lists["choices"]
    if not isinstance(value, list) or len(value) != len(theirs):
        message = ngettext(
            "“choices” must translate the English file's %(count)d answer, one “- label: …”.",
            "“choices” must translate the English file's %(count)d answers, one “- label: …” "
            "each, in the same order.",
            len(theirs),
        )
        raise GuideFileError(path, message % {"count": len(theirs)})
    choices = []
    for number, choice in enumerate(value, 1):
        names = {"number": number}
        if not isinstance(choice, dict) or not isinstance(choice.get("label"), str):
            raise GuideFileError(
                path, gettext("answer %(number)d in “choices” needs a label.") % names
            )
        unknown = sorted(shown(key) for key in choice if key not in CHOICE_TRANSLATION_KEYS)
        if unknown:
            message = gettext(
                "answer %(number)d in “choices”: “%(field)s” stays in the English file only (a "
                "translated answer has only a label and a hint)."
            )
            raise GuideFileError(path, message % {**names, "field": unknown[0]})
        hint = choice.get("hint") or ""
        if not isinstance(hint, str):
            message = gettext("answer %(number)d in “choices”: “%(field)s” must be text.")
            raise GuideFileError(path, message % {**names, "field": "hint"})
        choices.append({"label": choice["label"], "hint": hint})
    return choices


def _refuse_duplicate_slugs(items: list[TranslatedItem]) -> None:
    seen: dict[tuple[str, str, str], Path] = {}
    for item in items:
        key = (item.english.kind.name, item.language, str(item.values["slug"]))
        first = seen.setdefault(key, item.path)
        if first != item.path:
            message = gettext(
                "another %(kind)s in this language has the slug “%(slug)s”: %(first)s."
            )
            names = {"kind": item.english.kind.label, "slug": shown(key[2]), "first": first}
            raise GuideFileError(item.path, message % names)

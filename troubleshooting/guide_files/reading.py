"""Reading a guide folder: every file checked and turned into field values, before any write."""

from __future__ import annotations

import datetime
from pathlib import Path

import frontmatter
import yaml
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from troubleshooting import rules
from troubleshooting.models import TRANSLATION_LANGUAGES

from .folders import entries, read_file, survey
from .formats import (
    CAUSE,
    CAUSES_FOLDER,
    CHOICE_KEYS,
    DATE,
    DATE_TIME,
    LINES,
    NUMBER,
    QUESTION,
    QUESTIONS_FOLDER,
    README,
    SEVERITY,
    SEVERITY_NAMES,
    STEP,
    STEPS_FOLDER,
    SYMPTOM,
    SYMPTOMS_FOLDER,
    TEXT,
    TOPIC,
    TOPIC_FILE,
    YES_NO,
    FileFormat,
    GuideFileError,
    Item,
    shown,
    split_body,
)
from .synonyms import SYNONYMS_FILE

_LANGUAGE_FOLDERS = {code for code, _ in TRANSLATION_LANGUAGES}
# Front matter is flat fields, lists of slugs and a list of answers: two levels deep at most.
YAML_MAX_DEPTH = 5


def read_guide(directory: Path) -> list[Item]:
    """Read and check every file of the guide in ``directory``, or raise GuideFileError."""
    if not directory.is_dir():
        raise GuideFileError(directory, "there is no such folder.")
    survey(directory)
    items: list[Item] = []
    for path in entries(directory):
        if path.name.lower() == README or path.name == SYNONYMS_FILE:
            continue  # synonyms.md is read by synonyms.read_synonyms
        if path.is_dir() and path.name in _LANGUAGE_FOLDERS:
            continue  # translations, read by translations.read_translations
        if not path.is_dir():
            raise GuideFileError(path, _misplaced())
        if path.name == CAUSES_FOLDER:
            items += [_read_item(CAUSE, file) for file in _markdown_files(path)]
        elif path.name == STEPS_FOLDER:
            items += [_read_item(STEP, file) for file in _markdown_files(path)]
        else:
            items += _read_topic(path)
    if not items:
        raise GuideFileError(directory, f"there are no guide files here. {_layout()}")
    _refuse_duplicates(items)
    return items


def _read_topic(folder: Path) -> list[Item]:
    if not (folder / TOPIC_FILE).is_file():
        raise GuideFileError(folder, f"a topic folder needs a {TOPIC_FILE}. {_layout()}")
    topic = _read_item(TOPIC, folder / TOPIC_FILE)
    items = [topic]
    for path in entries(folder):
        if path.name == SYMPTOMS_FOLDER and path.is_dir():
            items += [_read_item(SYMPTOM, file, topic.slug) for file in _markdown_files(path)]
        elif path.name == QUESTIONS_FOLDER and path.is_dir():
            items += [_read_item(QUESTION, file, topic.slug) for file in _markdown_files(path)]
        elif path.name != TOPIC_FILE:
            raise GuideFileError(path, _misplaced())
    return items


def _markdown_files(folder: Path) -> list[Path]:
    files = entries(folder)
    for path in files:
        if path.is_dir() or path.suffix != ".md":
            raise GuideFileError(path, "only Markdown files named <slug>.md belong here.")
    return files


def _layout() -> str:
    return (
        f"Expected {CAUSES_FOLDER}/<slug>.md, {STEPS_FOLDER}/<slug>.md and, for each topic, "
        f"<topic>/{TOPIC_FILE}, <topic>/{SYMPTOMS_FOLDER}/<slug>.md and "
        f"<topic>/{QUESTIONS_FOLDER}/<slug>.md."
    )


def _misplaced() -> str:
    return f"this file is not where the guide's files go. {_layout()}"


def _refuse_duplicates(items: list[Item]) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for item in items:
        first = seen.setdefault((item.kind.name, item.slug), item.path)
        if first != item.path:
            raise GuideFileError(
                item.path, f"another {item.kind.name} has the slug “{item.slug}”: {first}."
            )


def _read_item(kind: FileFormat, path: Path, topic: str = "") -> Item:
    """Read one file: check its front matter and split its text into fields."""
    data, body = front_matter_and_body(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GuideFileError(path, "the front matter must be fields, one “name: value” a line.")
    unknown = sorted(shown(key) for key in data if key not in kind.keys)
    if unknown:
        raise GuideFileError(
            path,
            f"unknown field “{unknown[0]}” (a {kind.name} has: {', '.join(kind.keys)}).",
        )
    values = {key: from_yaml(kind, key, how, data.get(key), path) for key, how in kind.fields}
    values.update(split_body(kind, body, path))
    # A topic's folder is named after it; any other item's file.
    name, named = (path.parent.name, "folder") if kind is TOPIC else (path.stem, "file")
    slug = values["slug"] or name
    if slug != name:
        raise GuideFileError(
            path,
            f"the slug “{shown(slug)}” differs from the {named} name “{name}”: rename the "
            f"{named} or change the slug.",
        )
    values["slug"] = slug
    lists = {key: _read_list(key, data.get(key), path) for key in kind.lists}
    return Item(kind=kind, path=path, slug=slug, values=values, lists=lists, topic=topic)


def front_matter_and_body(path: Path) -> tuple[object, str]:
    """Return a file's front matter, parsed safely, and the text below it."""
    try:
        text = read_file(path).decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise GuideFileError(path, "the file is not UTF-8 text.") from None
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        raise GuideFileError(
            path, "the file must start with front matter: a line “---”, the fields, then “---”."
        )
    try:
        front, body = handler.split(text)
    except ValueError:
        raise GuideFileError(path, "the front matter has no closing line “---”.") from None
    try:
        _refuse_yaml_aliases_and_depth(front, path)
        data = handler.load(front)
    except yaml.YAMLError as error:
        raise GuideFileError(
            path, f"the front matter is not valid YAML: {_yaml_problem(error)}"
        ) from None
    except ValueError as error:  # a well-formed but impossible date, such as 2026-02-30
        problem = shown(str(error), 200)
        raise GuideFileError(
            path, f"the front matter has an impossible value: {problem}."
        ) from None
    return data, body


def _refuse_yaml_aliases_and_depth(front: str, path: Path) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is built.

    An alias repeats a value by reference, so a few lines make a value that takes all memory to
    print or walk ("billion laughs"); building deeply nested values recurses.
    """
    depth = 0
    for event in yaml.parse(front, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise GuideFileError(
                path,
                f"the front matter repeats a value with a YAML alias (“*{shown(event.anchor)}”): "
                "write the value out instead.",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > YAML_MAX_DEPTH:
                raise GuideFileError(
                    path,
                    f"the front matter is nested too deeply (at most {YAML_MAX_DEPTH} levels).",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    mark = getattr(error, "problem_mark", None)
    # The front matter starts on the file's first line, the "---".
    return f"{problem} (line {mark.line + 1})" if mark else problem


def from_yaml(kind: FileFormat, key: str, how: str, value, path: Path):
    """Return a front matter value as the model field wants it; empty means the default."""
    if value is None:
        return kind.model._meta.get_field(key).get_default()
    # Checked before it is quoted: only plain text, shortened, goes into the message.
    wrong = GuideFileError(path, f"“{key}” must be {_EXPECTED[how]}, not “{shown(value)}”.")
    if how == TEXT:
        if not isinstance(value, str):
            raise wrong
        return value
    if how == NUMBER:
        if not isinstance(value, int) or isinstance(value, bool):
            raise wrong
        return value
    if how == YES_NO:
        if not isinstance(value, bool):
            raise wrong
        return value
    if how == SEVERITY:
        if not isinstance(value, str) or value.strip().lower() not in SEVERITY_NAMES:
            raise wrong
        return SEVERITY_NAMES[value.strip().lower()]
    if how == LINES:
        if not isinstance(value, list) or not all(isinstance(line, str) for line in value):
            raise wrong
        return "\n".join(value)
    if how == DATE:
        return _date(value, wrong)
    return _date_time(value, wrong)


_EXPECTED = {
    TEXT: "text (put it in quotes if it looks like a number, a date or yes/no)",
    NUMBER: "a whole number",
    YES_NO: "true or false",
    SEVERITY: f"one of {', '.join(SEVERITY_NAMES)}",
    LINES: "a list, one “- text” a line",
    DATE: "a date such as 2026-03-01",
    DATE_TIME: "a date and time such as 2026-03-01T09:00:00+00:00",
}


def _date(value, wrong: GuideFileError) -> datetime.date:
    if isinstance(value, str):
        try:
            value = parse_date(value.strip())
        except ValueError:
            raise wrong from None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise wrong
    return value


def _date_time(value, wrong: GuideFileError) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            raise wrong from None
    if not isinstance(value, datetime.datetime):
        raise wrong
    # Without an offset, the time is the site's (TIME_ZONE), as in the admin.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _read_list(key: str, value, path: Path) -> list:
    if value is None:
        return []
    if key == "choices":
        if not isinstance(value, list):
            raise GuideFileError(path, "“choices” must be a list of answers, each “- label: …”.")
        return [_read_choice(number, choice, path) for number, choice in enumerate(value, 1)]
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        raise GuideFileError(path, f"“{key}” must be a list of slugs, one “- slug” a line.")
    seen: set[str] = set()  # a set: a long list must not take quadratic time
    twice = next((slug for slug in value if slug in seen or seen.add(slug)), None)
    if twice is not None:
        raise GuideFileError(path, f"“{key}” lists “{shown(twice)}” twice.")
    return value


def _read_choice(number: int, choice, path: Path) -> dict[str, str]:
    where = f"answer {number} in “choices”"
    if not isinstance(choice, dict):
        raise GuideFileError(path, f"{where} must have fields: label, hint, and a target.")
    unknown = sorted(shown(key) for key in choice if key not in CHOICE_KEYS)
    if unknown:
        raise GuideFileError(
            path, f"{where} has an unknown field “{unknown[0]}” ({', '.join(CHOICE_KEYS)})."
        )
    for key in CHOICE_KEYS:
        if choice.get(key) is not None and not isinstance(choice[key], str):
            raise GuideFileError(path, f"{where}: “{key}” must be text.")
    if not choice.get("label"):
        raise GuideFileError(path, f"{where} needs a label.")
    if not rules.leads_to_one_place(choice.get("next_question"), choice.get("symptom")):
        raise GuideFileError(
            path,
            f"{where} (“{shown(choice['label'])}”) must lead to a next_question or to a symptom "
            "(one of the two).",
        )
    return {key: choice.get(key) or "" for key in CHOICE_KEYS}

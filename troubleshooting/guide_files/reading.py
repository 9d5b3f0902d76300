"""Reading a guide folder: every file checked and turned into field values, before any write."""

from __future__ import annotations

import datetime
from pathlib import Path

import frontmatter
import yaml
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        raise GuideFileError(directory, gettext("there is no such folder."))
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
        raise GuideFileError(directory, gettext("there are no guide files here.") + " " + _layout())
    _refuse_duplicates(items)
    return items


def _read_topic(folder: Path) -> list[Item]:
    if not (folder / TOPIC_FILE).is_file():
        message = gettext("a topic folder needs a %(file)s.") % {"file": TOPIC_FILE}
        raise GuideFileError(folder, f"{message} {_layout()}")
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
            raise GuideFileError(path, gettext("only Markdown files named <slug>.md belong here."))
    return files


def _layout() -> str:
    return gettext(
        "Expected %(causes)s/<slug>.md, %(steps)s/<slug>.md and, for each topic, "
        "<topic>/%(topic)s, <topic>/%(symptoms)s/<slug>.md and <topic>/%(questions)s/<slug>.md."
    ) % {
        "causes": CAUSES_FOLDER,
        "steps": STEPS_FOLDER,
        "topic": TOPIC_FILE,
        "symptoms": SYMPTOMS_FOLDER,
        "questions": QUESTIONS_FOLDER,
    }


def _misplaced() -> str:
    return gettext("this file is not where the guide's files go.") + " " + _layout()


def _refuse_duplicates(items: list[Item]) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for item in items:
        first = seen.setdefault((item.kind.name, item.slug), item.path)
        if first != item.path:
            message = gettext("another %(kind)s has the slug “%(slug)s”: %(first)s.")
            raise GuideFileError(
                item.path, message % {"kind": item.kind.label, "slug": item.slug, "first": first}
            )


def _read_item(kind: FileFormat, path: Path, topic: str = "") -> Item:
    """Read one file: check its front matter and split its text into fields."""
    data, body = front_matter_and_body(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GuideFileError(
            path, gettext("the front matter must be fields, one “name: value” a line.")
        )
    unknown = sorted(shown(key) for key in data if key not in kind.keys)
    if unknown:
        message = gettext("unknown field “%(field)s” (a %(kind)s has: %(fields)s).")
        names = {"field": unknown[0], "kind": kind.label, "fields": ", ".join(kind.keys)}
        raise GuideFileError(path, message % names)
    values = {key: from_yaml(kind, key, how, data.get(key), path) for key, how in kind.fields}
    values.update(split_body(kind, body, path))
    # A topic's folder is named after it; any other item's file.
    name = path.parent.name if kind is TOPIC else path.stem
    slug = values["slug"] or name
    if slug != name:
        if kind is TOPIC:
            message = gettext(
                "the slug “%(slug)s” differs from the folder name “%(name)s”: rename the folder "
                "or change the slug."
            )
        else:
            message = gettext(
                "the slug “%(slug)s” differs from the file name “%(name)s”: rename the file or "
                "change the slug."
            )
        raise GuideFileError(path, message % {"slug": shown(slug), "name": name})
    values["slug"] = slug
    lists = {key: _read_list(key, data.get(key), path) for key in kind.lists}
    return Item(kind=kind, path=path, slug=slug, values=values, lists=lists, topic=topic)


def front_matter_and_body(path: Path) -> tuple[object, str]:
    """Return a file's front matter, parsed safely, and the text below it."""
    try:
        text = read_file(path).decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise GuideFileError(path, gettext("the file is not UTF-8 text.")) from None
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        raise GuideFileError(
            path,
            gettext("the file must start with front matter: a line “---”, the fields, then “---”."),
        )
    try:
        front, body = handler.split(text)
    except ValueError:
        raise GuideFileError(path, gettext("the front matter has no closing line “---”.")) from None
    try:
        _refuse_yaml_aliases_and_depth(front, path)
        data = handler.load(front)
    except yaml.YAMLError as error:
        message = gettext("the front matter is not valid YAML: %(problem)s")
        raise GuideFileError(path, message % {"problem": _yaml_problem(error)}) from None
    except ValueError as error:  # a well-formed but impossible date, such as 2026-02-30
        problem = shown(str(error), 200)
        message = gettext("the front matter has an impossible value: %(problem)s.")
        raise GuideFileError(path, message % {"problem": problem}) from None
    return data, body


def _refuse_yaml_aliases_and_depth(front: str, path: Path) -> None:
    """Refuse aliases and deep nesting from the event stream, before anything is built.

    An alias repeats a value by reference, so a few lines make a value that takes all memory to
    print or walk ("billion laughs"); building deeply nested values recurses.
    """
    depth = 0
    for event in yaml.parse(front, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            message = gettext(
                "the front matter repeats a value with a YAML alias (“*%(alias)s”): write the "
                "value out instead."
            )
            raise GuideFileError(path, message % {"alias": shown(event.anchor)})
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > YAML_MAX_DEPTH:
                message = gettext(
                    "the front matter is nested too deeply (at most %(depth)d levels)."
                )
                raise GuideFileError(path, message % {"depth": YAML_MAX_DEPTH})
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    mark = getattr(error, "problem_mark", None)
    # The front matter starts on the file's first line, the "---".
    if not mark:
        return problem
    # Translators: a problem PyYAML found (in English), then where.
    return gettext("%(problem)s (line %(line)d)") % {"problem": problem, "line": mark.line + 1}


def from_yaml(kind: FileFormat, key: str, how: str, value, path: Path):
    """Return a front matter value as the model field wants it; empty means the default."""
    if value is None:
        return kind.model._meta.get_field(key).get_default()
    # Checked before it is quoted: only plain text, shortened, goes into the message.
    expected = _EXPECTED[how] % {"names": ", ".join(SEVERITY_NAMES)}
    message = gettext("“%(field)s” must be %(expected)s, not “%(value)s”.")
    wrong = GuideFileError(
        path, message % {"field": key, "expected": expected, "value": shown(value)}
    )
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


# Said after "“field” must be"; ``names``: the severities a file may name.
_EXPECTED = {
    TEXT: _("text (put it in quotes if it looks like a number, a date or yes/no)"),
    NUMBER: _("a whole number"),
    YES_NO: _("true or false"),
    SEVERITY: _("one of %(names)s"),
    LINES: _("a list, one “- text” a line"),
    DATE: _("a date such as 2026-03-01"),
    DATE_TIME: _("a date and time such as 2026-03-01T09:00:00+00:00"),
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
            raise GuideFileError(
                path, gettext("“choices” must be a list of answers, each “- label: …”.")
            )
        return [_read_choice(number, choice, path) for number, choice in enumerate(value, 1)]
    if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
        message = gettext("“%(field)s” must be a list of slugs, one “- slug” a line.")
        raise GuideFileError(path, message % {"field": key})
    seen: set[str] = set()  # a set: a long list must not take quadratic time
    twice = next((slug for slug in value if slug in seen or seen.add(slug)), None)
    if twice is not None:
        message = gettext("“%(field)s” lists “%(slug)s” twice.")
        raise GuideFileError(path, message % {"field": key, "slug": shown(twice)})
    return value


def _read_choice(number: int, choice, path: Path) -> dict[str, str]:
    names = {"number": number, "fields": ", ".join(CHOICE_KEYS)}
    if not isinstance(choice, dict):
        message = gettext(
            "answer %(number)d in “choices” must have fields: label, hint, and a target."
        )
        raise GuideFileError(path, message % names)
    unknown = sorted(shown(key) for key in choice if key not in CHOICE_KEYS)
    if unknown:
        message = gettext(
            "answer %(number)d in “choices” has an unknown field “%(field)s” (%(fields)s)."
        )
        raise GuideFileError(path, message % {**names, "field": unknown[0]})
    for key in CHOICE_KEYS:
        if choice.get(key) is not None and not isinstance(choice[key], str):
            message = gettext("answer %(number)d in “choices”: “%(field)s” must be text.")
            raise GuideFileError(path, message % {**names, "field": key})
    if not choice.get("label"):
        raise GuideFileError(path, gettext("answer %(number)d in “choices” needs a label.") % names)
    if not rules.leads_to_one_place(choice.get("next_question"), choice.get("symptom")):
        message = gettext(
            "answer %(number)d in “choices” (“%(label)s”) must lead to a next_question or to a "
            "symptom (one of the two)."
        )
        raise GuideFileError(path, message % {**names, "label": shown(choice["label"])})
    return {key: choice.get(key) or "" for key in CHOICE_KEYS}

"""The whole guide as Markdown files with YAML front matter, one file per item.

Editors can then change the guide in a text editor, review changes in Git, and build the demo
fixture from the files (``make fixture``). The layout of a guide folder:

    causes/<slug>.md                 shared: symptoms and fix steps refer to causes by slug
    steps/<slug>.md                  shared: symptoms list their fix steps by slug
    <topic>/topic.md
    <topic>/symptoms/<slug>.md
    <topic>/questions/<slug>.md

The front matter holds the short fields and the lists (a symptom's ``causes`` and ``steps`` in
order, a step's ``causes``, a question's ``choices``). The text below it is the item's main Markdown
field; a step's warning and the "where to go next" text of a symptom or a topic follow under their
own level-2 heading, ``## Warning`` or ``## Where to go next``. Other headings stay in the text.

Importing reads every file before it writes anything, then creates or updates items by slug in one
transaction, with the same validation as the admin: one bad file and nothing is saved.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import reversion
import yaml
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import (
    Cause,
    FixStep,
    Severity,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

CAUSES_FOLDER = "causes"
STEPS_FOLDER = "steps"
TOPIC_FILE = "topic.md"
SYMPTOMS_FOLDER = "symptoms"
QUESTIONS_FOLDER = "questions"
# A README at the top of the guide folder explains it to people; it is never an item.
README = "readme.md"

# How a front matter value is written; see _from_yaml and _to_yaml.
TEXT, NUMBER, YES_NO, DATE, DATE_TIME, SEVERITY, LINES = (
    "text",
    "number",
    "yes/no",
    "date",
    "date and time",
    "severity",
    "lines",
)
SEVERITY_NAMES = {severity.name.lower(): severity for severity in Severity}
_PUBLISHING = (
    ("status", TEXT),
    ("publish_at", DATE_TIME),
    ("reviewed_on", DATE),
    ("checked_on_ios", TEXT),
)


@dataclass(frozen=True)
class Kind:
    """How one content model is written as a file."""

    name: str
    model: type[models.Model]
    fields: tuple[tuple[str, str], ...]
    text: str = ""  # the Markdown field below the front matter, if any
    sections: tuple[tuple[str, str], ...] = ()  # (level-2 heading, Markdown field)
    lists: tuple[str, ...] = ()  # front matter keys for related items

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.fields) + self.lists


TOPIC = Kind(
    "topic",
    Topic,
    (("title", TEXT), ("slug", TEXT), *_PUBLISHING, ("position", NUMBER), ("summary", TEXT)),
    sections=(("Where to go next", "escalation"),),
)
CAUSE = Kind("cause", Cause, (("title", TEXT), ("slug", TEXT), *_PUBLISHING), text="description")
STEP = Kind(
    "fix step",
    FixStep,
    (
        ("title", TEXT),
        ("slug", TEXT),
        *_PUBLISHING,
        ("severity", SEVERITY),
        ("minutes", NUMBER),
        ("settings_path", TEXT),
        ("interrupts", YES_NO),
    ),
    text="instructions",
    sections=(("Warning", "warning"),),
    lists=("causes",),
)
SYMPTOM = Kind(
    "symptom",
    Symptom,
    (
        ("title", TEXT),
        ("slug", TEXT),
        *_PUBLISHING,
        ("featured", YES_NO),
        ("position", NUMBER),
        ("summary", TEXT),
        ("aliases", LINES),
    ),
    text="body",
    sections=(("Where to go next", "next_moves"),),
    lists=("causes", "steps"),
)
QUESTION = Kind(
    "question",
    TriageQuestion,
    (("prompt", TEXT), ("slug", TEXT), *_PUBLISHING, ("is_start", YES_NO)),
    text="help",
    lists=("choices",),
)
KINDS = (TOPIC, CAUSE, STEP, SYMPTOM, QUESTION)
CHOICE_KEYS = ("label", "hint", "next_question", "symptom")


class GuideFileError(Exception):
    """A guide file (or folder) that cannot be read or saved, with what is wrong with it."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


@dataclass
class Item:
    """One file's content, read and checked, ready to be saved."""

    kind: Kind
    path: Path
    slug: str
    values: dict[str, object]
    lists: dict[str, list]
    topic: str = ""  # the topic folder of a symptom or question


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)


@dataclass
class ImportReport:
    files: int = 0
    created: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.files - len(self.created) - len(self.changed)


# Writing


class _Dumper(yaml.SafeDumper):
    """Write front matter the way people would: indented lists, blanks for empty values."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", "")
)
_Dumper.add_representer(
    datetime.datetime,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat()),
)


def guide_export(*, directory: Path) -> ExportReport:
    """Write every item to its file under ``directory``, removing files of items now gone.

    Files whose text would not change are left alone, and the output depends only on the content,
    so exporting twice gives no diff.
    """
    if directory.exists() and not directory.is_dir():
        raise GuideFileError(directory, "this is a file, not a folder.")
    files = _guide_files(directory)
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    for path, text in files.items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            report.unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        report.written.append(path)
    for path in sorted(_existing_guide_files(directory) - files.keys()):
        path.unlink()
        report.removed.append(path)
    # A deleted topic leaves empty folders, which import would take for a topic without its file.
    emptied = {folder for path in report.removed for folder in path.parents[:2]} - {directory}
    for folder in sorted(emptied, key=lambda folder: len(folder.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return report


def _guide_files(directory: Path) -> dict[Path, str]:
    """Return the text of every item's file, by path."""
    files = {}
    for cause in Cause.objects.all():
        path = directory / CAUSES_FOLDER / f"{cause.slug}.md"
        files[path] = _file_text(CAUSE, cause, {}, path)
    for step in FixStep.objects.prefetch_related("causes"):
        causes = sorted(cause.slug for cause in step.causes.all())
        path = directory / STEPS_FOLDER / f"{step.slug}.md"
        files[path] = _file_text(STEP, step, {"causes": causes}, path)
    for topic in Topic.objects.all():
        if topic.slug in (CAUSES_FOLDER, STEPS_FOLDER):
            raise GuideFileError(
                directory / topic.slug,
                f"the topic “{topic}” has the slug of a shared folder: change its slug first.",
            )
        path = directory / topic.slug / TOPIC_FILE
        files[path] = _file_text(TOPIC, topic, {}, path)
    symptoms = Symptom.objects.select_related("topic").prefetch_related(
        models.Prefetch(
            "symptom_causes", SymptomCause.objects.select_related("cause").order_by("position")
        ),
        models.Prefetch(
            "symptom_steps", SymptomStep.objects.select_related("step").order_by("position")
        ),
    )
    for symptom in symptoms:
        lists = {
            "causes": [link.cause.slug for link in symptom.symptom_causes.all()],
            "steps": [link.step.slug for link in symptom.symptom_steps.all()],
        }
        path = directory / symptom.topic.slug / SYMPTOMS_FOLDER / f"{symptom.slug}.md"
        files[path] = _file_text(SYMPTOM, symptom, lists, path)
    questions = TriageQuestion.objects.select_related("topic").prefetch_related(
        models.Prefetch(
            "choices",
            TriageChoice.objects.select_related("next_question", "symptom").order_by("position"),
        )
    )
    for question in questions:
        path = directory / question.topic.slug / QUESTIONS_FOLDER / f"{question.slug}.md"
        choices = [_choice_to_yaml(choice) for choice in question.choices.all()]
        files[path] = _file_text(QUESTION, question, {"choices": choices}, path)
    return dict(sorted(files.items()))


def _choice_to_yaml(choice: TriageChoice) -> dict[str, str]:
    data = {"label": choice.label}
    if choice.hint:
        data["hint"] = choice.hint
    if choice.next_question is not None:
        data["next_question"] = choice.next_question.slug
    if choice.symptom is not None:
        data["symptom"] = choice.symptom.slug
    return data


def _file_text(kind: Kind, obj: models.Model, lists: dict[str, list], path: Path) -> str:
    """Return an item's file: its front matter, then its Markdown under the right headings."""
    metadata = {key: _to_yaml(how, getattr(obj, key)) for key, how in kind.fields}
    metadata.update(lists)
    expected = {name: _newlines(getattr(obj, name)).strip() for name in _markdown_names(kind)}
    parts = [expected[kind.text]] if kind.text else []
    parts += [
        f"## {heading}\n\n{expected[name]}" for heading, name in kind.sections if expected[name]
    ]
    body = "\n\n".join(part for part in parts if part)
    # A line of the text that looks like a section heading would be read back as that section.
    if _split_body(kind, body, path) != expected:
        headings = " or ".join(f"“## {heading}”" for heading, _ in kind.sections)
        raise GuideFileError(
            path,
            f"the {kind.name}'s text has a line {headings}, which would be read back as the "
            "start of that section: change that heading first.",
        )
    post = frontmatter.Post(body, **metadata)
    text = frontmatter.dumps(post, Dumper=_Dumper, sort_keys=False, width=10_000)
    return text + "\n"


def _to_yaml(how: str, value):
    if how == TEXT and value == "":
        return None  # written as a blank, which reads back as empty text
    if how == SEVERITY:
        return Severity(value).name.lower()
    if how == LINES:
        return _newlines(value).split("\n") if value else []
    if how == DATE_TIME and value is not None:
        return timezone.localtime(value)
    return value


def _newlines(text: str) -> str:
    """Use Unix line ends: the admin's text boxes send Windows ones."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _markdown_names(kind: Kind) -> list[str]:
    return ([kind.text] if kind.text else []) + [name for _, name in kind.sections]


def _existing_guide_files(directory: Path) -> set[Path]:
    """Return the files in ``directory`` that an export writes, so stale ones can go."""
    patterns = [
        f"{CAUSES_FOLDER}/*.md",
        f"{STEPS_FOLDER}/*.md",
        f"*/{TOPIC_FILE}",
        f"*/{SYMPTOMS_FOLDER}/*.md",
        f"*/{QUESTIONS_FOLDER}/*.md",
    ]
    return {path for pattern in patterns for path in directory.glob(pattern)}


# Reading

_HEADING = re.compile(r"^ {0,3}##[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


def _split_body(kind: Kind, body: str, path: Path) -> dict[str, str]:
    """Split the text below the front matter into the main text and its sections.

    Only a level-2 heading that names one of the kind's sections (in any letter case) starts a
    section, and never inside a fenced code block; every other heading stays in the text.
    """
    sections = {_heading_key(heading): name for heading, name in kind.sections}
    parts: dict[str, list[str]] = {name: [] for name in _markdown_names(kind)}
    parts.setdefault("", [])
    current, fence, seen = kind.text, None, set()
    for line in body.split("\n"):
        stripped = line.strip()
        if fence is None and (opening := _FENCE.match(line)):
            fence = opening["fence"]
        elif fence is not None and stripped.startswith(fence) and not stripped.strip(fence[0]):
            fence = None
        heading = _HEADING.match(line) if fence is None else None
        if heading and _heading_key(heading["text"]) in sections:
            current = sections[_heading_key(heading["text"])]
            if current in seen:
                raise GuideFileError(path, f"the heading “{line.strip()}” appears twice.")
            seen.add(current)
            continue
        parts[current].append(line)
    text = {name: "\n".join(lines).strip() for name, lines in parts.items()}
    if text.pop(""):  # only a topic has no main text
        headings = " or ".join(f"“## {heading}”" for heading, _ in kind.sections)
        raise GuideFileError(
            path,
            f"a {kind.name} file has no text of its own: put the text under {headings}.",
        )
    return text


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _read_guide(directory: Path) -> list[Item]:
    """Read and check every file of the guide in ``directory``, or raise GuideFileError."""
    if not directory.is_dir():
        raise GuideFileError(directory, "there is no such folder.")
    items: list[Item] = []
    for path in _entries(directory):
        if path.name.lower() == README:
            continue
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
    for path in _entries(folder):
        if path.name == SYMPTOMS_FOLDER and path.is_dir():
            items += [_read_item(SYMPTOM, file, topic.slug) for file in _markdown_files(path)]
        elif path.name == QUESTIONS_FOLDER and path.is_dir():
            items += [_read_item(QUESTION, file, topic.slug) for file in _markdown_files(path)]
        elif path.name != TOPIC_FILE:
            raise GuideFileError(path, _misplaced())
    return items


def _entries(folder: Path) -> list[Path]:
    """Return a folder's entries in order, without hidden ones (.git, .DS_Store)."""
    return sorted(path for path in folder.iterdir() if not path.name.startswith("."))


def _markdown_files(folder: Path) -> list[Path]:
    files = _entries(folder)
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


def _read_item(kind: Kind, path: Path, topic: str = "") -> Item:
    """Read one file: check its front matter and split its text into fields."""
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
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
        data = handler.load(front)
    except yaml.YAMLError as error:
        raise GuideFileError(
            path, f"the front matter is not valid YAML: {_yaml_problem(error)}"
        ) from None
    except ValueError as error:  # a well-formed but impossible date, such as 2026-02-30
        raise GuideFileError(path, f"the front matter has an impossible value: {error}.") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise GuideFileError(path, "the front matter must be fields, one “name: value” a line.")
    unknown = sorted(str(key) for key in data if key not in kind.keys)
    if unknown:
        raise GuideFileError(
            path,
            f"unknown field “{unknown[0]}” (a {kind.name} has: {', '.join(kind.keys)}).",
        )
    values = {key: _from_yaml(kind, key, how, data.get(key), path) for key, how in kind.fields}
    values.update(_split_body(kind, body, path))
    # A topic's folder is named after it; any other item's file.
    name, named = (path.parent.name, "folder") if kind is TOPIC else (path.stem, "file")
    slug = values["slug"] or name
    if slug != name:
        raise GuideFileError(
            path,
            f"the slug “{slug}” differs from the {named} name “{name}”: rename the {named} or "
            "change the slug.",
        )
    values["slug"] = slug
    lists = {key: _read_list(key, data.get(key), path) for key in kind.lists}
    return Item(kind=kind, path=path, slug=slug, values=values, lists=lists, topic=topic)


def _yaml_problem(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or str(error)
    mark = getattr(error, "problem_mark", None)
    # The front matter starts on the file's first line, the "---".
    return f"{problem} (line {mark.line + 1})" if mark else problem


def _from_yaml(kind: Kind, key: str, how: str, value, path: Path):
    """Return a front matter value as the model field wants it; empty means the default."""
    if value is None:
        return kind.model._meta.get_field(key).get_default()
    wrong = GuideFileError(path, f"“{key}” must be {_EXPECTED[how]}, not “{value}”.")
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
    twice = next((slug for number, slug in enumerate(value) if slug in value[:number]), None)
    if twice is not None:
        raise GuideFileError(path, f"“{key}” lists “{twice}” twice.")
    return value


def _read_choice(number: int, choice, path: Path) -> dict[str, str]:
    where = f"answer {number} in “choices”"
    if not isinstance(choice, dict):
        raise GuideFileError(path, f"{where} must have fields: label, hint, and a target.")
    unknown = sorted(str(key) for key in choice if key not in CHOICE_KEYS)
    if unknown:
        raise GuideFileError(
            path, f"{where} has an unknown field “{unknown[0]}” ({', '.join(CHOICE_KEYS)})."
        )
    for key in CHOICE_KEYS:
        if choice.get(key) is not None and not isinstance(choice[key], str):
            raise GuideFileError(path, f"{where}: “{key}” must be text.")
    if not choice.get("label"):
        raise GuideFileError(path, f"{where} needs a label.")
    if bool(choice.get("next_question")) == bool(choice.get("symptom")):
        raise GuideFileError(
            path,
            f"{where} (“{choice['label']}”) must lead to a next_question or to a symptom "
            "(one of the two).",
        )
    return {key: choice.get(key) or "" for key in CHOICE_KEYS}


# Importing


def guide_import(
    *, directory: Path, dry_run: bool = False, timestamp: datetime.datetime | None = None
) -> ImportReport:
    """Create or update every item of the guide in ``directory`` by slug, all or nothing.

    Lists (a symptom's causes and steps, a step's causes, a question's answers) become exactly what
    the files say. Items in the database without a file are left alone and reported. With
    ``timestamp``, new and changed items get it as their created and updated times instead of now,
    so a fixture built from the same files is always the same.
    """
    items = _read_guide(directory)
    # One revision in each item's history, so an import can be looked at and undone in the admin.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Imported from the Markdown files in “{directory.name}”.")
        report = _Importer(items).run()
        if timestamp is not None:
            _stamp(items, report, timestamp)
        if dry_run:
            transaction.set_rollback(True)
    return report


class _Importer:
    """Save read items in an order where everything an item refers to already exists."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.objects = {
            kind.name: {obj.slug: obj for obj in kind.model.objects.all()} for kind in KINDS
        }
        self.report = ImportReport(files=len(items))
        self.replaced_lists: set[Path] = set()
        for kind in KINDS:
            in_files = {item.slug for item in self.of(kind)}
            self.report.not_in_files += [
                f"{kind.name} “{slug}”"
                for slug in sorted(self.objects[kind.name].keys() - in_files)
            ]

    def of(self, kind: Kind) -> list[Item]:
        return [item for item in self.items if item.kind is kind]

    def run(self) -> ImportReport:
        self.drop_changed_lists()
        for item in self.of(CAUSE):
            self.save(item)
        for item in self.of(TOPIC):
            self.save(item)
        for item in self.of(STEP):
            self.save_step(item)
        for item in self.of(SYMPTOM):
            self.save(item, topic=self.find(TOPIC, item.topic, item, "topic"))
        for item in self.of(SYMPTOM):
            self.save_symptom_lists(item)
        # Questions that stop being a topic's first question go first, so the new one can take over.
        for item in sorted(self.of(QUESTION), key=lambda item: item.values["is_start"]):
            self.save(item, topic=self.find(TOPIC, item.topic, item, "topic"))
        for item in self.of(QUESTION):
            self.save_choices(item)
        return self.report

    def drop_changed_lists(self) -> None:
        """Delete the ordered rows the files change, so validation sees only rows that stay.

        Otherwise reordering steps or moving a question would clash with the old rows.
        """
        for item in self.of(SYMPTOM):
            symptom = self.objects[SYMPTOM.name].get(item.slug)
            if symptom is None:
                continue
            steps = symptom.symptom_steps.order_by("position").values_list("step__slug", flat=True)
            causes = symptom.symptom_causes.order_by("position")
            if (
                list(steps) != item.lists["steps"]
                or list(causes.values_list("cause__slug", flat=True)) != item.lists["causes"]
            ):
                symptom.symptom_steps.all().delete()
                causes.delete()
                self.replaced_lists.add(item.path)
        for item in self.of(QUESTION):
            question = self.objects[QUESTION.name].get(item.slug)
            if question is None:
                continue
            current = [
                {
                    "label": choice.label,
                    "hint": choice.hint,
                    "next_question": choice.next_question.slug if choice.next_question else "",
                    "symptom": choice.symptom.slug if choice.symptom else "",
                }
                for choice in question.choices.select_related("next_question", "symptom")
            ]
            if current != item.lists["choices"]:
                question.choices.all().delete()
                self.replaced_lists.add(item.path)

    def find(self, kind: Kind, slug: str, item: Item, key: str):
        try:
            return self.objects[kind.name][slug]
        except KeyError:
            raise GuideFileError(
                item.path, f"“{key}” names a {kind.name} “{slug}” that does not exist."
            ) from None

    def save(self, item: Item, *, lists_changed: bool = False, **related):
        """Validate an item like the admin does, and save it if it is new or changed."""
        obj = self.objects[item.kind.name].get(item.slug)
        creating = obj is None
        if creating:
            obj = item.kind.model()
        fields = [f for f in obj._meta.concrete_fields if f.name in {*item.values, *related}]
        before = [getattr(obj, f.attname) for f in fields]
        for name, value in {**item.values, **related}.items():
            setattr(obj, name, value)
        _full_clean(obj, item)
        changed = lists_changed or item.path in self.replaced_lists
        if creating or changed or [getattr(obj, f.attname) for f in fields] != before:
            obj.save()
            (self.report.created if creating else self.report.changed).append(item.path)
        self.objects[item.kind.name][item.slug] = obj
        return obj

    def save_step(self, item: Item) -> None:
        causes = [self.find(CAUSE, slug, item, "causes") for slug in item.lists["causes"]]
        step = self.objects[STEP.name].get(item.slug)
        current = set(step.causes.values_list("slug", flat=True)) if step else set()
        changed = step is not None and current != set(item.lists["causes"])
        step = self.save(item, lists_changed=changed)
        if changed or item.path in self.report.created:
            step.causes.set(causes)

    def save_symptom_lists(self, item: Item) -> None:
        symptom = self.objects[SYMPTOM.name][item.slug]
        causes = [self.find(CAUSE, slug, item, "causes") for slug in item.lists["causes"]]
        steps = [self.find(STEP, slug, item, "steps") for slug in item.lists["steps"]]
        destructive = next((step for step in steps if step.is_destructive), None)
        if destructive is not None:
            safer = next(
                (step for step in steps[steps.index(destructive) :] if not step.is_destructive),
                None,
            )
            if safer is not None:
                raise GuideFileError(
                    item.path,
                    f"“steps”: “{safer.slug}” comes after the destructive step "
                    f"“{destructive.slug}”. Destructive steps can lose data, so they must come "
                    "after every safer step.",
                )
        if item.path not in self.replaced_lists and item.path not in self.report.created:
            return
        for position, cause in enumerate(causes, 1):
            link = SymptomCause(symptom=symptom, cause=cause, position=position)
            _full_clean(link, item, key="causes")
            link.save()
        for position, step in enumerate(steps, 1):
            link = SymptomStep(symptom=symptom, step=step, position=position)
            _full_clean(link, item, key="steps")
            link.save()

    def save_choices(self, item: Item) -> None:
        if item.path not in self.replaced_lists and item.path not in self.report.created:
            return
        question = self.objects[QUESTION.name][item.slug]
        for position, data in enumerate(item.lists["choices"], 1):
            choice = TriageChoice(
                question=question, label=data["label"], hint=data["hint"], position=position
            )
            if data["next_question"]:
                choice.next_question = self.find(QUESTION, data["next_question"], item, "choices")
            if data["symptom"]:
                choice.symptom = self.find(SYMPTOM, data["symptom"], item, "choices")
            _full_clean(choice, item, key=f"answer {position} in “choices”")
            choice.save()


def _full_clean(obj: models.Model, item: Item, *, key: str = "") -> None:
    """Run the model's validation; name each problem the way the file names the field."""
    try:
        obj.full_clean()
    except ValidationError as error:
        names = {name: f"“## {heading}”" for heading, name in item.kind.sections}
        if item.kind.text:
            names[item.kind.text] = "the text below the front matter"
        problems = []
        for name, messages in error.message_dict.items():
            where = key or ("" if name == NON_FIELD_ERRORS else names.get(name, f"“{name}”"))
            problems += [f"{where}: {message}" if where else message for message in messages]
        raise GuideFileError(item.path, " ".join(problems)) from None


def _stamp(items: list[Item], report: ImportReport, timestamp: datetime.datetime) -> None:
    """Give new and changed items ``timestamp`` as their created and updated times."""
    created, changed = set(report.created), set(report.changed)
    for kind in KINDS:
        slugs = {item.slug for item in items if item.kind is kind and item.path in created}
        kind.model.objects.filter(slug__in=slugs).update(created=timestamp, updated=timestamp)
        slugs = {item.slug for item in items if item.kind is kind and item.path in changed}
        kind.model.objects.filter(slug__in=slugs).update(updated=timestamp)

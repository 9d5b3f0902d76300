"""How each content model is written as a guide file, and how a file's text splits into fields."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext

from troubleshooting.models import Cause, FixStep, Severity, Symptom, Topic, TriageQuestion

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
class FileFormat:
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

    @property
    def label(self) -> str:
        """Name the kind of item in the reader's language, as messages name it."""
        return str(self.model._meta.verbose_name)


TOPIC = FileFormat(
    "topic",
    Topic,
    (("title", TEXT), ("slug", TEXT), *_PUBLISHING, ("position", NUMBER), ("summary", TEXT)),
    sections=(("Where to go next", "escalation"),),
)
CAUSE = FileFormat(
    "cause", Cause, (("title", TEXT), ("slug", TEXT), *_PUBLISHING), text="description"
)
STEP = FileFormat(
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
        ("only_when", TEXT),
    ),
    text="instructions",
    sections=(("Warning", "warning"),),
    lists=("causes",),
)
SYMPTOM = FileFormat(
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
QUESTION = FileFormat(
    "question",
    TriageQuestion,
    (("prompt", TEXT), ("slug", TEXT), *_PUBLISHING, ("is_start", YES_NO)),
    text="help",
    lists=("choices",),
)
FORMATS = (TOPIC, CAUSE, STEP, SYMPTOM, QUESTION)
CHOICE_KEYS = ("label", "hint", "reach", "next_question", "symptom")


class GuideFileError(Exception):
    """A guide file (or folder) that cannot be read or saved, with what is wrong with it."""

    def __init__(self, path: Path, message: str):
        # A message quotes the file; a file can be large, the message never is.
        super().__init__(f"{path}: {message}"[:MESSAGE_LENGTH])
        self.path = path


MESSAGE_LENGTH = 1_000


def shown(value: object, length: int = 60) -> str:
    """Return a value from a file as a message quotes it: short, and only if it is plain text.

    Never formats a list or a mapping: YAML aliases can make one that prints without end.
    """
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "fields"
    text = (
        str(value) if isinstance(value, str | int | float | datetime.date) else type(value).__name__
    )
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass
class Item:
    """One file's content, read and checked, ready to be saved."""

    kind: FileFormat
    path: Path
    slug: str
    values: dict[str, object]
    lists: dict[str, list]
    topic: str = ""  # the topic folder of a symptom or question


def markdown_names(kind: FileFormat) -> list[str]:
    """Return the Markdown fields of a file: its main text, then its sections."""
    return ([kind.text] if kind.text else []) + [name for _, name in kind.sections]


_HEADING = re.compile(r"^ {0,3}##[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


def split_body(kind: FileFormat, body: str, path: Path) -> dict[str, str]:
    """Split the text below the front matter into the main text and its sections.

    Only a level-2 heading that names one of the kind's sections (in any letter case) starts a
    section, and never inside a fenced code block; every other heading stays in the text.
    """
    sections = {_heading_key(heading): name for heading, name in kind.sections}
    parts: dict[str, list[str]] = {name: [] for name in markdown_names(kind)}
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
                message = gettext("the heading “%(heading)s” appears twice.")
                raise GuideFileError(path, message % {"heading": shown(stripped)})
            seen.add(current)
            continue
        parts[current].append(line)
    text = {name: "\n".join(lines).strip() for name, lines in parts.items()}
    if text.pop(""):  # only a topic has no main text
        headings = get_text_list([f"“## {heading}”" for heading, _ in kind.sections])
        message = gettext(
            "a %(kind)s file has no text of its own: put the text under %(headings)s."
        )
        raise GuideFileError(path, message % {"kind": kind.label, "headings": headings})
    return text


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold()

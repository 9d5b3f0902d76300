"""Export: every item of the guide written to its Markdown file."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.db import models
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext

from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
    normalize_newlines,
)

from .formats import (
    CAUSE,
    CAUSES_FOLDER,
    DATE_TIME,
    LINES,
    QUESTION,
    QUESTIONS_FOLDER,
    SEVERITY,
    STEP,
    STEPS_FOLDER,
    SYMPTOM,
    SYMPTOMS_FOLDER,
    TEXT,
    TOPIC,
    TOPIC_FILE,
    FileFormat,
    GuideFileError,
    markdown_names,
    split_body,
)
from .synonyms import SYNONYMS_FILE, synonyms_text
from .translations import LANGUAGES, TRANSLATION_FORMATS, translated_path


@dataclass
class ExportReport:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    removed: list[Path] = field(default_factory=list)


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
        raise GuideFileError(directory, gettext("this is a file, not a folder."))
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
        if topic.slug in (CAUSES_FOLDER, STEPS_FOLDER, *LANGUAGES):
            message = gettext(
                "the topic “%(topic)s” has the slug of a shared folder or a language's: change its "
                "slug first."
            )
            raise GuideFileError(directory / topic.slug, message % {"topic": topic})
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
    for language in (SOURCE_BASE_CODE, *LANGUAGES):
        folder = directory if language == SOURCE_BASE_CODE else directory / language
        if (synonyms := synonyms_text(language)) is not None:
            files[folder / SYNONYMS_FILE] = synonyms
    files.update(_translation_files(directory))
    return dict(sorted(files.items()))


def _translation_files(directory: Path) -> dict[Path, str]:
    """Return the text of every translation's file, at its English file's path in its language."""
    files = {}
    for kind in (TOPIC, CAUSE, STEP, SYMPTOM, QUESTION):
        translation = TRANSLATION_FORMATS[kind.name]
        rows = translation.model.objects.select_related("source")
        if kind in (SYMPTOM, QUESTION):
            rows = rows.select_related("source__topic")
        for row in rows:
            path = directory / row.language / translated_path(kind, row.source)
            lists = {}
            if kind is QUESTION:
                lists["choices"] = [
                    {
                        "label": choice["label"],
                        **({"hint": choice["hint"]} if choice.get("hint") else {}),
                    }
                    for choice in row.choices
                ]
            shape = translation
            if kind is STEP and not (row.source.settings_path or row.settings_path):
                # Only a step that has a path in Settings has it in its translation's file.
                fields = tuple(pair for pair in translation.fields if pair[0] != "settings_path")
                shape = dataclasses.replace(translation, fields=fields)
            files[path] = _file_text(shape, row, lists, path)
    return files


def _choice_to_yaml(choice: TriageChoice) -> dict[str, str]:
    data = {"label": choice.label}
    if choice.hint:
        data["hint"] = choice.hint
    if choice.reach:
        data["reach"] = choice.reach
    if choice.next_question is not None:
        data["next_question"] = choice.next_question.slug
    if choice.symptom is not None:
        data["symptom"] = choice.symptom.slug
    return data


def _file_text(kind: FileFormat, obj: models.Model, lists: dict[str, list], path: Path) -> str:
    """Return an item's file: its front matter, then its Markdown under the right headings."""
    metadata = {key: _to_yaml(how, getattr(obj, key)) for key, how in kind.fields}
    metadata.update(lists)
    expected = {
        name: normalize_newlines(getattr(obj, name)).strip() for name in markdown_names(kind)
    }
    parts = [expected[kind.text]] if kind.text else []
    parts += [
        f"## {heading}\n\n{expected[name]}" for heading, name in kind.sections if expected[name]
    ]
    body = "\n\n".join(part for part in parts if part)
    # A line of the text that looks like a section heading would be read back as that section.
    if split_body(kind, body, path) != expected:
        headings = get_text_list([f"“## {heading}”" for heading, _ in kind.sections])
        message = gettext(
            "the text of this %(kind)s has a line %(headings)s, which would be read back as the "
            "start of that section: change that heading first."
        )
        raise GuideFileError(path, message % {"kind": kind.label, "headings": headings})
    post = frontmatter.Post(body, **metadata)
    text = frontmatter.dumps(post, Dumper=_Dumper, sort_keys=False, width=10_000)
    return text + "\n"


def _to_yaml(how: str, value):
    if how == TEXT and value == "":
        return None  # written as a blank, which reads back as empty text
    if how == SEVERITY:
        return Severity(value).name.lower()
    if how == LINES:
        return normalize_newlines(value).split("\n") if value else []
    if how == DATE_TIME and value is not None:
        return timezone.localtime(value)
    return value


def _existing_guide_files(directory: Path) -> set[Path]:
    """Return the files in ``directory`` that an export writes, so stale ones can go."""
    patterns = [
        f"{CAUSES_FOLDER}/*.md",
        f"{STEPS_FOLDER}/*.md",
        f"*/{TOPIC_FILE}",
        f"*/{SYMPTOMS_FOLDER}/*.md",
        f"*/{QUESTIONS_FOLDER}/*.md",
        SYNONYMS_FILE,
    ]
    patterns += [f"{language}/{pattern}" for language in LANGUAGES for pattern in patterns]
    return {path for pattern in patterns for path in directory.glob(pattern)}

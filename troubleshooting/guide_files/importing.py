"""Import: create or update every item of a guide folder by slug, all or nothing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext

from troubleshooting import rules
from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.markdown import render_markdown
from troubleshooting.models import (
    SearchSynonym,
    SymptomCause,
    SymptomStep,
    TriageChoice,
)

from .formats import (
    CAUSE,
    FORMATS,
    QUESTION,
    STEP,
    SYMPTOM,
    TOPIC,
    FileFormat,
    GuideFileError,
    Item,
    markdown_names,
    shown,
)
from .reading import read_guide
from .synonyms import SYNONYMS_FILE, read_synonyms, save_synonyms
from .translations import LANGUAGES, TranslatedItem, read_translations


@dataclass
class ImportReport:
    files: int = 0
    created: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    not_in_files: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.files - len(self.created) - len(self.changed)


def guide_import(
    *, directory: Path, dry_run: bool = False, timestamp: datetime.datetime | None = None
) -> ImportReport:
    """Create or update every item of the guide in ``directory`` by slug, all or nothing.

    Lists (a symptom's causes and steps, a step's causes, a question's answers) become exactly what
    the files say. Items in the database without a file are left alone and reported. With
    ``timestamp``, new and changed items get it as their created and updated times instead of now,
    so a fixture built from the same files is always the same.
    """
    items = read_guide(directory)
    translated = read_translations(directory, items)
    synonyms = {SOURCE_BASE_CODE: read_synonyms(directory)}
    synonyms.update((language, read_synonyms(directory / language)) for language in LANGUAGES)
    # Render before the write transaction: save() then finds every text rendered (it is cached),
    # so the database's write lock is held for the writes alone.
    for item in items:
        for name in markdown_names(item.kind):
            render_markdown(item.values[name] or "")
    for item in translated:
        for name in markdown_names(item.kind):
            render_markdown(item.values[name] or "")
    # One revision in each item's history, so an import can be looked at and undone in the admin.
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment(f"Imported from the Markdown files in “{directory.name}”.")
        importer = _Importer(items)
        report = importer.run()
        report.files += len(translated)
        for item in translated:
            importer.save_translation(item)
        _save_synonyms(synonyms, directory, report)
        if timestamp is not None:
            _stamp(items, report, timestamp)
            _stamp_translations(translated, report, timestamp)
            # The same files make the same fixture, synonyms included.
            SearchSynonym.objects.filter(
                language__in=[
                    language for language, groups in synonyms.items() if groups is not None
                ]
            ).update(updated=timestamp)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _save_synonyms(synonyms: dict, directory: Path, report: ImportReport) -> None:
    """Make each language's synonyms what its file says; a language without one is left alone."""
    for language, groups in synonyms.items():
        if groups is None:
            continue
        report.files += 1
        if save_synonyms(groups, language):
            folder = directory if language == SOURCE_BASE_CODE else directory / language
            report.changed.append(folder / SYNONYMS_FILE)


class _Importer:
    """Save read items in an order where everything an item refers to already exists."""

    def __init__(self, items: list[Item]):
        self.items = items
        self.objects = {
            kind.name: {obj.slug: obj for obj in kind.model.objects.all()} for kind in FORMATS
        }
        self.report = ImportReport(files=len(items))
        self.replaced_lists: set[Path] = set()
        for kind in FORMATS:
            in_files = {item.slug for item in self.of(kind)}
            self.report.not_in_files += [
                f"{kind.name} “{slug}”"
                for slug in sorted(self.objects[kind.name].keys() - in_files)
            ]

    def of(self, kind: FileFormat) -> list[Item]:
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

    def save_translation(self, item: TranslatedItem) -> None:
        """Save a translation like the admin does, brought up to date with the English it saved.

        A translation file changed or new is the translator's word on the English as it is
        now; one left as it was keeps its snapshot, so English changed since shows as outdated.
        """
        source = self.objects[item.english.kind.name][item.english.slug]
        model = item.kind.model
        obj = model.objects.filter(source=source, language=item.language).first()
        creating = obj is None
        if creating:
            obj = model(source=source, language=item.language)
        values = dict(item.values)
        if item.choices is not None:
            values["choices"] = item.choices
        before = {name: getattr(obj, name) for name in values}
        for name, value in values.items():
            setattr(obj, name, value)
        _full_clean(obj, item)
        if creating or before != values:
            obj.mark_up_to_date()
            obj.save()
            (self.report.created if creating else self.report.changed).append(item.path)

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
                    "reach": choice.reach,
                    "next_question": choice.next_question.slug if choice.next_question else "",
                    "symptom": choice.symptom.slug if choice.symptom else "",
                }
                for choice in question.choices.select_related("next_question", "symptom")
            ]
            if current != item.lists["choices"]:
                question.choices.all().delete()
                self.replaced_lists.add(item.path)

    def find(self, kind: FileFormat, slug: str, item: Item, key: str):
        try:
            return self.objects[kind.name][slug]
        except KeyError:
            message = gettext("“%(field)s” names a %(kind)s “%(slug)s” that does not exist.")
            names = {"field": key, "kind": kind.label, "slug": shown(slug)}
            raise GuideFileError(item.path, message % names) from None

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
        clash = rules.first_destructive_before_safer(steps)
        if clash is not None:
            destructive, safer = clash
            message = gettext(
                "“steps”: “%(safer)s” comes after the destructive step “%(destructive)s”. "
                "Destructive steps can lose data, so they must come after every safer step."
            )
            names = {"safer": safer.slug, "destructive": destructive.slug}
            raise GuideFileError(item.path, message % names)
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
                question=question,
                label=data["label"],
                hint=data["hint"],
                reach=data["reach"],
                position=position,
            )
            if data["next_question"]:
                choice.next_question = self.find(QUESTION, data["next_question"], item, "choices")
            if data["symptom"]:
                choice.symptom = self.find(SYMPTOM, data["symptom"], item, "choices")
            where = gettext("answer %(number)d in “choices”") % {"number": position}
            _full_clean(choice, item, key=where)
            choice.save()


def _full_clean(obj: models.Model, item: Item, *, key: str = "") -> None:
    """Run the model's validation; name each problem the way the file names the field."""
    try:
        obj.full_clean()
    except ValidationError as error:
        names = {name: f"“## {heading}”" for heading, name in item.kind.sections}
        if item.kind.text:
            names[item.kind.text] = gettext("the text below the front matter")
        problems = []
        for name, messages in error.message_dict.items():
            where = key or ("" if name == NON_FIELD_ERRORS else names.get(name, f"“{name}”"))
            problems += [f"{where}: {message}" if where else message for message in messages]
        raise GuideFileError(item.path, " ".join(problems)) from None


def _stamp(items: list[Item], report: ImportReport, timestamp: datetime.datetime) -> None:
    """Give new and changed items ``timestamp`` as their created and updated times."""
    created, changed = set(report.created), set(report.changed)
    for kind in FORMATS:
        slugs = {item.slug for item in items if item.kind is kind and item.path in created}
        kind.model.objects.filter(slug__in=slugs).update(created=timestamp, updated=timestamp)
        slugs = {item.slug for item in items if item.kind is kind and item.path in changed}
        kind.model.objects.filter(slug__in=slugs).update(updated=timestamp)


def _stamp_translations(
    items: list[TranslatedItem], report: ImportReport, timestamp: datetime.datetime
) -> None:
    """Give new and changed translations ``timestamp``, as ``_stamp`` does for the English."""
    created, changed = set(report.created), set(report.changed)
    for item in items:
        stamp = {"created": timestamp, "updated": timestamp} if item.path in created else {}
        if item.path in changed:
            stamp = {"updated": timestamp}
        if stamp:
            item.kind.model.objects.filter(
                source__slug=item.english.slug, language=item.language
            ).update(**stamp)

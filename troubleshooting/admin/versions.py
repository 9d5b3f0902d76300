"""Saved versions of content: what changed, in words an editor can read, and putting one back.

django-reversion stores every save of a symptom together with its ordered steps and causes (and a
question with its answers) in one revision. This module turns a version into labelled text, one
entry per field or list, compares two of them word by word, and reverts a revision so that its
ordered lists come back whole.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from reversion.models import Version

from troubleshooting import review
from troubleshooting.models import Symptom, SymptomCause, SymptomStep, TriageChoice, TriageQuestion
from troubleshooting.models.site import KeepsOldSlugs

# Bookkeeping that changes on every save and says nothing about the content.
SKIPPED_FIELDS = {"id", "created", "updated"}

# The ordered lists saved with their owner: (label, row model, owner field, how a row reads).
LISTS = {
    Symptom: [
        ("Fix steps", SymptomStep, "symptom_id", lambda row, names: names("step", row)),
        ("Likely causes", SymptomCause, "symptom_id", lambda row, names: names("cause", row)),
    ],
    TriageQuestion: [
        (
            "Answers",
            TriageChoice,
            "question_id",
            lambda row, names: (
                f"{row['label']} → "
                + (names("symptom", row) if row.get("symptom_id") else names("next_question", row))
            ),
        ),
    ],
}


@dataclass(frozen=True)
class Change:
    """One field or list that differs between two versions."""

    label: str
    before: str
    after: str

    @property
    def diff(self) -> SafeString:
        """The text with deleted words in ``<del>`` and added words in ``<ins>``."""
        return word_diff(self.before, self.after)


def model_of(version: Version) -> type[models.Model]:
    """Return the model a version was saved from."""
    return ContentType.objects.get_for_id(version.content_type_id).model_class()


_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> SafeString:
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append(("<del>{}</del>", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("<ins>{}</ins>", "".join(new[j1:j2])))
        if op == "equal":
            parts.append(("{}", "".join(old[i1:i2])))
    return format_html_join("", "{}", ((format_html(fmt, text),) for fmt, text in parts))


def _editable_fields(model) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and field.name not in SKIPPED_FIELDS
    ] + list(model._meta.many_to_many)


def _say(field: models.Field, value, names) -> str:
    """Write one stored value the way the admin shows it."""
    if value in (None, ""):
        return ""
    if field.many_to_many:
        if field.remote_field.through._meta.auto_created:
            return "\n".join(sorted(names.of(field.related_model, value)))
        return ""  # lists kept in their own rows are compared by LISTS
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names.of(field.related_model, [value])[0]
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    return str(value)


class Names:
    """Titles of related objects, looked up once per model."""

    def __init__(self):
        self._cache: dict[type, dict[str, str]] = {}

    def of(self, model, pks) -> list[str]:
        known = self._cache.setdefault(model, {})
        missing = [pk for pk in pks if str(pk) not in known]
        if missing:
            for obj in model._default_manager.filter(pk__in=missing):
                known[str(obj.pk)] = str(obj)
        return [known.get(str(pk), f"(deleted #{pk})") for pk in pks]

    def __call__(self, field_name: str, row: dict) -> str:
        field = row["_model"]._meta.get_field(field_name)
        return self.of(field.related_model, [row[field.attname]])[0]


def _lines(model, field_dict: dict, rows: dict[str, list[dict]], names: Names) -> dict[str, str]:
    lines = {}
    for field in _editable_fields(model):
        lines[str(field.verbose_name).capitalize()] = _say(
            field, field_dict.get(field.attname), names
        )
    for label, _row_model, _owner, reads in LISTS.get(model, []):
        ordered = sorted(rows.get(label, []), key=lambda row: row.get("position") or 0)
        lines[label] = "\n".join(
            f"{number}. {reads(row, names)}" for number, row in enumerate(ordered, start=1)
        )
    return lines


def _list_rows(version: Version):
    """Yield (list label, row version) for the list rows saved with ``version``'s object."""
    for label, row_model, owner, _reads in LISTS.get(model_of(version), []):
        content_type = ContentType.objects.get_for_model(row_model)
        for row_version in version.revision.version_set.filter(content_type=content_type):
            if str(row_version.field_dict.get(owner)) == str(version.object_id):
                yield label, row_version


def version_lines(version: Version, names: Names | None = None) -> dict[str, str]:
    """Return a saved version as labelled text, with the lists saved alongside it."""
    rows: dict[str, list[dict]] = {}
    for label, row_version in _list_rows(version):
        row = dict(row_version.field_dict, _model=model_of(row_version))
        rows.setdefault(label, []).append(row)
    return _lines(model_of(version), version.field_dict, rows, names or Names())


def current_lines(obj: models.Model, names: Names | None = None) -> dict[str, str]:
    """Return the object as it is now, in the same shape as ``version_lines``."""
    names = names or Names()
    model = type(obj)
    field_dict = {}
    for field in _editable_fields(model):
        if field.many_to_many:
            field_dict[field.attname] = [related.pk for related in getattr(obj, field.name).all()]
        else:
            field_dict[field.attname] = getattr(obj, field.attname)
    rows: dict[str, list[dict]] = {}
    for label, row_model, owner, _reads in LISTS.get(model, []):
        for row in row_model._default_manager.filter(**{owner: obj.pk}).values():
            rows.setdefault(label, []).append(dict(row, _model=row_model))
    return _lines(model, field_dict, rows, names)


def changes(before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """Return the entries that differ, in the order of the form."""
    labels = list(dict.fromkeys([*after, *before]))
    return [
        Change(label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]


def previous_version(version: Version) -> Version | None:
    """Return the version of the same object saved just before this one."""
    return (
        Version.objects.get_for_object_reference(model_of(version), version.object_id)
        .filter(pk__lt=version.pk)
        .select_related("revision")
        .first()
    )


def missing_references(version: Version) -> list[str]:
    """Name what a version points to that has been deleted since (it could not be restored)."""
    wanted: list[tuple[models.Model, str]] = []
    versions = [version, *(row_version for _label, row_version in _list_rows(version))]
    for saved in versions:
        model = model_of(saved)
        for field in model._meta.concrete_fields:
            value = saved.field_dict.get(field.attname)
            owner = field.attname == LISTS_OWNER.get(model)
            if field.many_to_one and value is not None and not owner:
                wanted.append((field.related_model, value))
    missing = []
    for related_model, pk in dict.fromkeys(wanted):
        if not related_model._default_manager.filter(pk=pk).exists():
            missing.append(f"a {related_model._meta.verbose_name} (#{pk})")
    return missing


# The field by which a list's row belongs to its owner (the owner exists: it is being restored).
LISTS_OWNER = {row_model: owner for lists in LISTS.values() for _l, row_model, owner, _r in lists}


def revert(version: Version) -> None:
    """Put back the revision ``version`` belongs to, with its object's ordered lists as saved."""
    # Rows of an ordered list are unique by position: restoring them one by one could clash
    # half-way (two steps trading places), so the owner's rows go first, inside the caller's
    # transaction (which puts the saved ones back, or is rolled back by a preview).
    for _label, row_model, owner, _reads in LISTS.get(model_of(version), []):
        row_model._default_manager.filter(**{owner: version.object_id}).delete()
    slugs_before = _slugs_now(version)
    version.revision.revert(delete=True)
    _keep_old_slugs(slugs_before)


def _slugs_now(version: Version) -> dict[tuple[type[KeepsOldSlugs], str], str | None]:
    """Return today's slug of each row in ``version``'s revision that can keep old slugs."""
    wanted: dict[type[KeepsOldSlugs], list[str]] = {}
    for saved in version.revision.version_set.all():
        model = model_of(saved)
        if model is not None and issubclass(model, KeepsOldSlugs):
            wanted.setdefault(model, []).append(saved.object_id)
    slugs: dict[tuple[type[KeepsOldSlugs], str], str | None] = {}
    for model, pks in wanted.items():
        found = dict(model._default_manager.filter(pk__in=pks).values_list("pk", "slug"))
        found = {str(pk): slug for pk, slug in found.items()}
        slugs.update({(model, pk): found.get(pk) for pk in pks})
    return slugs


def _keep_old_slugs(slugs_before: dict[tuple[type[KeepsOldSlugs], str], str | None]) -> None:
    """Leave a redirect from each address a restore renamed away, as an editor's save would.

    A restore writes the saved rows without their ``save`` (which would have seen the rename),
    so links people saved to the address it replaced would otherwise stop working. A row that
    was absent (recovered) frees its slug from another item's old address, as a new row does.
    """
    for (model, pk), old_slug in slugs_before.items():
        row = model._default_manager.filter(pk=pk).first()
        if row is not None and row.slug != old_slug:
            row.keep_old_slug(old_slug)


def snapshot_lines(data: str, model, object_id, names: Names | None = None) -> dict[str, str]:
    """Return a serialized item (``review.snapshot``) in the same shape as ``version_lines``."""
    field_dict: dict = {}
    rows: dict[str, list[dict]] = {}
    row_labels = {row_model: label for label, row_model, _owner, _reads in LISTS.get(model, [])}
    for item in review.objects_of(data):
        obj = item.object
        values = {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}
        if type(obj) is model and str(obj.pk) == str(object_id):
            field_dict = values | {name: list(pks) for name, pks in item.m2m_data.items()}
        elif type(obj) in row_labels:
            rows.setdefault(row_labels[type(obj)], []).append(dict(values, _model=type(obj)))
    return _lines(model, field_dict, rows, names or Names())

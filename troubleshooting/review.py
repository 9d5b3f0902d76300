"""Changes to live content that wait for approval: propose, approve (now or at a time), send
back, withdraw, and apply the ones whose time has come.

An item is captured with its ordered lists (a symptom's steps and causes, a question's answers) by
Django's serializer, so a proposed change is the whole item as its editor saved it, and applying
it puts that back as one write, inside one transaction, recorded in the item's history.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from . import rules
from .models import (
    Cause,
    FixStep,
    PendingChange,
    ReviewState,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

logger = logging.getLogger(__name__)

# The ordered lists saved with their owner: (row model, the field naming the owner).
ORDERED_LISTS: dict[type[models.Model], tuple[tuple[type[models.Model], str], ...]] = {
    Symptom: ((SymptomStep, "symptom_id"), (SymptomCause, "symptom_id")),
    TriageQuestion: ((TriageChoice, "question_id"),),
}
# What a change can be proposed to: every model with a publish permission.
REVIEWED_MODELS = (Topic, Symptom, Cause, FixStep, TriageQuestion)
# Bookkeeping and what is rendered from other fields: never a difference between two versions.
_NOT_CONTENT = {"created", "updated"}


class StaleChange(Exception):
    """The live item changed after the editor started from it: applying would overwrite that."""


def _rows(obj) -> list[models.Model]:
    rows = []
    for row_model, owner in ORDERED_LISTS.get(type(obj), ()):
        rows += row_model._default_manager.filter(**{owner: obj.pk}).order_by("pk")
    return rows


def snapshot(obj) -> str:
    """Return ``obj`` with its ordered lists as serialized JSON, as it is in the database now."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return serializers.serialize("json", [fresh, *_rows(fresh)])


def fingerprint_of(data: str) -> str:
    """Return a fingerprint of a snapshot's content, bookkeeping left out."""
    items = []
    for item in json.loads(data):
        fields = {
            name: sorted(value) if isinstance(value, list) else value
            for name, value in item["fields"].items()
            if name not in _NOT_CONTENT and not name.endswith("_html")
        }
        items.append([item["model"], item["pk"], fields])
    text = json.dumps(sorted(items, key=lambda item: (item[0], item[1])), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint(obj) -> str:
    """Return the fingerprint of ``obj`` as it is live now, lists included."""
    return fingerprint_of(snapshot(obj))


def objects_of(data: str) -> list:
    """Return a snapshot's objects, unsaved (Django's ``DeserializedObject``)."""
    return list(serializers.deserialize("json", data))


def propose(*, obj, proposed: str, base: str, author) -> PendingChange:
    """Keep an editor's version of a live item aside, for a publisher to approve."""
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        proposed=proposed,
        base=base,
        base_fingerprint=fingerprint_of(base),
        author=author,
    )


def is_stale(change: PendingChange) -> bool:
    """Whether the live item changed (or went) since the editor started from it."""
    live = change.live_object()
    return live is None or fingerprint(live) != change.base_fingerprint


def _write(change: PendingChange, live) -> None:
    """Put the proposed item and its lists in the live tables, in place of today's.

    A list's row the change leaves as it is stays untouched, and one changed but for what it is
    unique by (an answer's label) is saved in place: each retires only the cached pages that
    show it, as the same edit made in the admin does (``caching.py``).
    """
    owned = {(type(row), row.pk): row for row in _rows(live)}
    items = objects_of(change.proposed)
    for row, item in zip(json.loads(change.proposed), items, strict=True):
        if row.get("pk") is None:
            # New in this change, though the deserializer may have found a live row by its
            # natural key (an answer's place): that row is not this one.
            item.object.pk = None
    # Those that go, or whose unique values change (``rules.unique_fields``: a place, a step, a
    # cause), go first, so two trading places never clash; the others stay where they are.
    in_place = {
        (type(item.object), item.object.pk)
        for item in items
        if _same_unique_values(owned.get((type(item.object), item.object.pk)), item.object)
    }
    for row_model, _owner in ORDERED_LISTS.get(change.model, ()):
        leaving = [pk for kind, pk in owned if kind is row_model and (kind, pk) not in in_place]
        row_model._default_manager.filter(pk__in=leaving).delete()
    for item in items:
        obj = item.object
        key = (type(obj), obj.pk)
        if obj.pk == live.pk and type(obj) is change.model:
            obj._state.adding = False
            obj.save()  # through the model, so Markdown is rendered and renamed slugs kept
            for name, values in item.m2m_data.items():
                getattr(obj, name).set(values)
        elif key in in_place:
            if _values(obj) != _values(owned[key]):
                obj._state.adding = False
                obj.save()
        else:
            if key not in owned:
                obj.pk = None  # a row new in this change: the database gives it its own id
            obj.save(force_insert=True)


def _values(row: models.Model) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def _same_unique_values(live: models.Model | None, proposed: models.Model) -> bool:
    """Whether a list's row keeps what it is unique by (its place, its step) in a change."""
    if live is None:
        return False
    names = rules.unique_fields(type(live))
    attnames = [live._meta.get_field(name).attname for name in names]
    return all(getattr(live, name) == getattr(proposed, name) for name in attnames)


def apply(change: PendingChange, *, user=None) -> None:
    """Make a change live now, recorded in the item's history; refuse it if it went stale."""
    with transaction.atomic():
        live = change.model._default_manager.select_for_update().filter(pk=change.object_id)
        live = live.first()
        if live is None or fingerprint(live) != change.base_fingerprint:
            raise StaleChange(change)
        with reversion.create_revision():
            reversion.set_user(user or change.reviewer)
            author = change.author.get_username() if change.author else "an editor"
            reversion.set_comment(f"Approved change by {author}.")
            _write(change, live)
        change.state = ReviewState.APPLIED
        change.save(update_fields=["state"])


def approve(change: PendingChange, *, user, at: datetime | None = None) -> None:
    """Approve a change: live now, or at ``at``; a stale one raises ``StaleChange``."""
    if is_stale(change):
        raise StaleChange(change)
    change.reviewer, change.reviewed, change.comment = user, timezone.now(), ""
    if at is not None and at > timezone.now():
        change.state, change.apply_at = ReviewState.SCHEDULED, at
        change.save(update_fields=["reviewer", "reviewed", "comment", "state", "apply_at"])
        return
    change.save(update_fields=["reviewer", "reviewed", "comment"])
    apply(change, user=user)


def send_back(change: PendingChange, *, user, comment: str) -> None:
    """Return a change to its editor with a comment; nothing goes live."""
    change.state, change.reviewer, change.reviewed = ReviewState.RETURNED, user, timezone.now()
    change.comment, change.apply_at = comment, None
    change.save(update_fields=["state", "reviewer", "reviewed", "comment", "apply_at"])


def withdraw(change: PendingChange) -> None:
    """Take back one's own change before it goes live."""
    change.state, change.apply_at = ReviewState.WITHDRAWN, None
    change.save(update_fields=["state", "apply_at"])


def apply_due() -> int:
    """Apply the approved changes whose time has come; return how many went live.

    Safe to run from several processes at once: each change is claimed under a row lock (on
    SQLite, by its one writer at a time) and applied only if it is still scheduled. One that
    went stale meanwhile is sent back with the reason, never applied over the newer content.
    """
    applied = 0
    for pk in PendingChange.objects.due().values_list("pk", flat=True):
        with transaction.atomic():
            change = PendingChange.objects.due().select_for_update().filter(pk=pk).first()
            if change is None:  # another process applied it first
                continue
            try:
                apply(change)
            except StaleChange:
                send_back(
                    change,
                    user=None,
                    comment="The live item changed after this was approved, so it was not "
                    "applied at its time. Compare it with the live version and propose it again.",
                )
                continue
            applied += 1
    return applied


def apply_due_safely() -> int:
    """Run ``apply_due``, logging rather than raising: the page that noticed is served anyway."""
    try:
        return apply_due()
    except DatabaseError:
        logger.exception("Could not apply the changes approved for now")
        return 0

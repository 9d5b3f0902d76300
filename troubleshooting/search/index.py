"""The search index: one ``SearchDocument`` per published symptom, fix step and cause."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from troubleshooting import caching
from troubleshooting.models import (
    Cause,
    FixStep,
    SearchDocument,
    Status,
    Symptom,
    SymptomCause,
    SymptomStep,
    live,
)

KIND_OF_MODEL = {
    Symptom: SearchDocument.Source.SYMPTOM,
    FixStep: SearchDocument.Source.STEP,
    Cause: SearchDocument.Source.CAUSE,
}


def document_for(obj) -> dict | None:
    """Return the searchable fields of a piece of content, or None if it is a draft.

    Scheduled content is indexed ahead of its time; searches filter it out until then.
    """
    if obj.status != Status.PUBLISHED:
        return None
    if isinstance(obj, Symptom):
        return {"title": obj.title, "aliases": obj.aliases, "body": f"{obj.summary}\n{obj.body}"}
    if isinstance(obj, FixStep):
        return {
            "title": obj.title,
            "aliases": obj.settings_path,
            "body": f"{obj.instructions}\n{obj.warning}",
        }
    return {"title": obj.title, "body": obj.description}


def index(obj) -> None:
    """Add, update or (when unpublished) remove one object's search document."""
    fields = document_for(obj)
    if fields is None:
        unindex(obj)
        return
    SearchDocument.objects.update_or_create(
        kind=KIND_OF_MODEL[type(obj)], object_id=obj.pk, defaults=fields
    )


def unindex(obj) -> None:
    """Remove one object's search document, if it has one."""
    SearchDocument.objects.filter(kind=KIND_OF_MODEL[type(obj)], object_id=obj.pk).delete()


@transaction.atomic
def rebuild() -> int:
    """Index all published (and scheduled) content afresh; return how many documents there are."""
    SearchDocument.objects.all().delete()
    documents = []
    for model, kind in KIND_OF_MODEL.items():
        for obj in model.objects.filter(status=Status.PUBLISHED).iterator():
            documents.append(SearchDocument(kind=kind, object_id=obj.pk, **document_for(obj)))
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    caching.content_changed()  # search pages and the typo vocabulary were built from the old index
    return len(documents)


def live_links(link_model, field_name: str):
    """Return the links through which the public reaches a step or cause: all three ends live."""
    return link_model.objects.filter(
        live(f"{field_name}__"), live("symptom__"), live("symptom__topic__")
    )


def findable_documents():
    """Return the search documents the public may find now.

    The index holds scheduled content ahead of its time, and steps and causes of symptoms the
    public cannot see: a symptom must be live in a live topic, a step or cause live and listed by
    such a symptom.
    """
    return SearchDocument.objects.filter(
        Q(
            kind=KIND_OF_MODEL[Symptom],
            object_id__in=Symptom.objects.in_visible_topic().values("pk"),
        )
        | Q(
            kind=KIND_OF_MODEL[FixStep],
            object_id__in=live_links(SymptomStep, "step").values("step"),
        )
        | Q(
            kind=KIND_OF_MODEL[Cause],
            object_id__in=live_links(SymptomCause, "cause").values("cause"),
        )
    )

"""The search index: one ``SearchDocument`` per published symptom, fix step and cause, per language.

English documents are made from the items themselves; a Spanish or French one from the item's
published translation into that language. An item without one is not indexed in that language:
search answers in the visitor's language only, and its English page is found by English search.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from troubleshooting import caching
from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.models import (
    TRANSLATION_MODELS,
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
    """Return the searchable fields of an item or of its translation, or None for a draft.

    Scheduled content is indexed ahead of its time; searches filter it out until then.
    """
    if obj.status != Status.PUBLISHED:
        return None
    if isinstance(obj, Symptom | TRANSLATION_MODELS[Symptom]):
        return {"title": obj.title, "aliases": obj.aliases, "body": f"{obj.summary}\n{obj.body}"}
    if isinstance(obj, FixStep | TRANSLATION_MODELS[FixStep]):
        return {
            "title": obj.title,
            "aliases": obj.settings_path,
            "body": f"{obj.instructions}\n{obj.warning}",
        }
    return {"title": obj.title, "body": obj.description}


def _documents_of(item) -> dict[str, dict]:
    """Return an item's documents by language: its own, and each published translation's."""
    if document_for(item) is None:
        return {}
    documents = {SOURCE_BASE_CODE: document_for(item)}
    for translation in TRANSLATION_MODELS[type(item)].objects.filter(
        source=item, status=Status.PUBLISHED
    ):
        documents[translation.language] = document_for(translation)
    return documents


def index(obj) -> None:
    """Add, update or remove one item's documents, in every language; or one translation's."""
    if type(obj) in KIND_OF_MODEL:
        item, documents = obj, _documents_of(obj)
        stored = SearchDocument.objects.filter(kind=KIND_OF_MODEL[type(item)], object_id=item.pk)
        stored.exclude(language__in=documents.keys()).delete()
        # A document whose text is as stored is not written again: an item's save rewrote each
        # translation's unchanged, and a document's indexes (PostgreSQL's GIN, SQLite's FTS5
        # triggers) with it, on every edit of the English.
        names = {name for fields in documents.values() for name in fields}
        kept = {
            row.pop("language"): row
            for row in stored.filter(language__in=documents.keys()).values("language", *names)
        }
        documents = {
            language: fields
            for language, fields in documents.items()
            if {name: kept.get(language, {}).get(name) for name in fields} != fields
        }
    else:
        item = obj.source
        fields = document_for(obj) if document_for(item) is not None else None
        if fields is None:
            unindex(obj)
            return
        documents = {obj.language: fields}
    for language, fields in documents.items():
        SearchDocument.objects.update_or_create(
            kind=KIND_OF_MODEL[type(item)], object_id=item.pk, language=language, defaults=fields
        )


def unindex(obj) -> None:
    """Remove an item's documents in every language, or a translation's in its own."""
    if type(obj) in KIND_OF_MODEL:
        SearchDocument.objects.filter(kind=KIND_OF_MODEL[type(obj)], object_id=obj.pk).delete()
        return
    SearchDocument.objects.filter(
        kind=KIND_OF_MODEL[type(obj).source.field.related_model],
        object_id=obj.source_id,
        language=obj.language,
    ).delete()


@transaction.atomic
def rebuild() -> int:
    """Index all published (and scheduled) content afresh; return how many documents there are."""
    SearchDocument.objects.all().delete()
    documents = []
    for model, kind in KIND_OF_MODEL.items():
        published = model.objects.filter(status=Status.PUBLISHED)
        for obj in published.iterator():
            documents.append(SearchDocument(kind=kind, object_id=obj.pk, **document_for(obj)))
        translations = TRANSLATION_MODELS[model].objects.filter(
            status=Status.PUBLISHED, source__in=published
        )
        for obj in translations.iterator():
            documents.append(
                SearchDocument(
                    kind=kind, object_id=obj.source_id, language=obj.language, **document_for(obj)
                )
            )
    SearchDocument.objects.bulk_create(documents, batch_size=500)
    caching.content_changed()  # search pages and the typo vocabulary were built from the old index
    return len(documents)


def live_links(link_model, field_name: str):
    """Return the links through which the public reaches a step or cause: all three ends live."""
    return link_model.objects.filter(
        live(f"{field_name}__"), live("symptom__"), live("symptom__topic__")
    )


def findable_documents(language: str = SOURCE_BASE_CODE):
    """Return the search documents in ``language`` the public may find now.

    The index holds scheduled content ahead of its time, and steps and causes of symptoms the
    public cannot see: a symptom must be live in a live topic, a step or cause live and listed by
    such a symptom; in another language than English, the item's translation live too.
    """
    # Each condition asks about the document's own item (EXISTS on its object_id), so a query
    # for a few documents by id looks at those few: as "object_id IN (every live symptom)",
    # SQLite walked every live symptom, step and cause first (165 ms for 100 results at 2,000
    # symptoms, 2 s under load at 10,000).
    item = OuterRef("object_id")
    findable = SearchDocument.objects.filter(language=language).filter(
        Q(Exists(Symptom.objects.in_visible_topic().filter(pk=item)), kind=KIND_OF_MODEL[Symptom])
        | Q(Exists(live_links(SymptomStep, "step").filter(step=item)), kind=KIND_OF_MODEL[FixStep])
        | Q(Exists(live_links(SymptomCause, "cause").filter(cause=item)), kind=KIND_OF_MODEL[Cause])
    )
    if language == SOURCE_BASE_CODE:
        return findable
    return findable.filter(_translation_live(language))


def _translation_live(language: str) -> Q:
    """Match documents whose item's translation into ``language`` the public may see now."""
    condition = Q()
    for model, kind in KIND_OF_MODEL.items():
        translated = TRANSLATION_MODELS[model].objects.in_language(language)
        condition |= Q(Exists(translated.filter(source_id=OuterRef("object_id"))), kind=kind)
    return condition

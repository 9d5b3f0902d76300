"""What a page of results reads: the candidates' documents, the steps and causes, their articles.

Only the columns a result shows or ranking weighs are read, never a symptom's, step's or cause's
Markdown or HTML, in a fixed number of queries whatever the number of results: the candidates'
documents; per kind, the links from the steps and causes found to the symptoms that list them;
those symptoms and the symptoms found. Each is a prepared read (``prepared.py``): the ORM builds
and compiles its SQL once per process, not on every search.
"""

from __future__ import annotations

from functools import partial

from troubleshooting.models import (
    Cause,
    FixStep,
    SearchDocument,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    live,
)
from troubleshooting.prepared import Instances, Prepared

from .index import findable_documents

Source = SearchDocument.Source
LINKS = {Source.STEP: (SymptomStep, "step", FixStep), Source.CAUSE: (SymptomCause, "cause", Cause)}
DOCUMENT_FIELDS = ("id", "kind", "object_id", "language", "title", "aliases", "body")
# What a result reads of its article and topic: its address, title and place in the guide.
SYMPTOM_FIELDS = ("id", "title", "slug", "position", "topic_id")
TOPIC_FIELDS = ("id", "slug", "title", "position")
ITEM_FIELDS = ("id", "slug", "title")

_document = Instances(SearchDocument, DOCUMENT_FIELDS)
_symptom = Instances(Symptom, SYMPTOM_FIELDS)
_topic = Instances(Topic, TOPIC_FIELDS)
_items = {kind: Instances(model, ITEM_FIELDS) for kind, (_, _, model) in LINKS.items()}


def _documents_query(*, preview: bool, language: str, ids: list[int]):
    """Return the rows of the findable documents in ``language`` among ``ids``."""
    # Search shows what the public finds, previewing or not (``findable_documents``).
    found = findable_documents(language).filter(pk__in=ids).order_by()
    return found.values_list(*DOCUMENT_FIELDS)


# One read per language: another language's documents are also asked for its translations.
_documents_by_language: dict[str, Prepared] = {}


def documents(language: str, ids: list[int]) -> dict[int, SearchDocument]:
    """Return the findable documents in ``language`` among ``ids``, by id."""
    if not ids:
        return {}
    read = _documents_by_language.get(language)
    if read is None:
        read = Prepared(partial(_documents_query, language=language), DOCUMENT_FIELDS)
        _documents_by_language[language] = read
    found = (_document(row) for row in read.rows(ids=sorted(ids)))
    return {document.pk: document for document in found}


def _links_query(*, preview: bool, kind: str, ids: list[int]):
    """Return (item id, symptom id, position, slug, title) of each live item's links.

    Only the item's own liveness is asked here; its symptom's and topic's by ``symptoms()``, by
    primary key: joined to every symptom, SQLite began from the 10,000 published symptoms.
    """
    link_model, field_name, _ = LINKS[kind]
    links = link_model.objects.filter(live(f"{field_name}__"), **{f"{field_name}_id__in": ids})
    return links.order_by().values_list(
        f"{field_name}_id", "symptom_id", "position", f"{field_name}__slug", f"{field_name}__title"
    )


_links = {kind: Prepared(partial(_links_query, kind=kind)) for kind in LINKS}


def linked(object_ids: dict[str, list[int]]) -> list[tuple]:
    """Return (kind, item id, symptom id, position, slug, title) of the live items' links."""
    return [
        (kind, *row)
        for kind, ids in object_ids.items()
        if ids
        for row in _links[kind].rows(ids=sorted(set(ids)))
    ]


def _symptoms_query(*, preview: bool, ids: list[int]):
    """Return the rows of the live symptoms in visible topics among ``ids``, with their topics'."""
    found = Symptom.objects.in_visible_topic().filter(pk__in=ids).order_by()
    return found.values_list(*SYMPTOM_FIELDS, *(f"topic__{name}" for name in TOPIC_FIELDS))


_symptoms = Prepared(_symptoms_query)


def symptoms(ids) -> dict[int, Symptom]:
    """Return the live symptoms in visible topics among ``ids``, with what results show."""
    if not ids:
        return {}
    found = {}
    for row in _symptoms.rows(ids=sorted(ids)):
        symptom = _symptom(row[: len(SYMPTOM_FIELDS)])
        symptom.topic = _topic(row[len(SYMPTOM_FIELDS) :])
        found[symptom.pk] = symptom
    return found


def owners_of(
    links: list[tuple], shown: dict[int, Symptom], preferred: list[int] = ()
) -> dict[str, dict[int, tuple[Symptom, object]]]:
    """Return, per kind and item, the live symptom to show it in and the item itself.

    The best-ranked symptom that lists it, else its first in the guide's order (topic, symptom,
    place in the list).
    """
    order = {pk: at for at, pk in enumerate(preferred)}
    best: dict[tuple[str, int], tuple] = {}
    for kind, item_id, symptom_id, position, slug, title in links:
        symptom = shown.get(symptom_id)
        if symptom is None:
            continue
        place = (order.get(symptom_id, len(order)), symptom.topic.position, symptom.position)
        place += (position, symptom_id)
        if (kind, item_id) not in best or place < best[kind, item_id][0]:
            best[kind, item_id] = (place, symptom, (item_id, slug, title))
    chosen: dict[str, dict[int, tuple[Symptom, object]]] = {kind: {} for kind in LINKS}
    for (kind, item_id), (_, symptom, row) in best.items():
        chosen[kind][item_id] = (symptom, _items[kind](row))
    return chosen

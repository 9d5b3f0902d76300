"""Search over symptoms, fix steps and causes, in the words people use.

One small interface, ``search(query)``, over two real engines: SQLite FTS5 (bm25) on the default
database, and PostgreSQL full-text search (ts_rank on a weighted tsvector) with pg_trgm word
similarity. Both see the same ``SearchDocument`` rows (``index.py``), rank with the same field
weights and preference for symptoms (``engines.py``), and the best candidates are then scored once
more the same way on both (``ranking.py``), so both put the same answers first.

Typos are corrected against the words of the guide and of its synonyms ("imesage" → "imessage"),
synonyms editors keep lead people's words to the guide's ("abroad" → "roaming"), every word also
matches as a prefix ("deliv" finds "delivered"), and a query that finds nothing gets a "did you
mean" and is recorded (its words only) for editors, as are the results people open (``usage.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Value
from django.urls import reverse
from django.utils.safestring import SafeString

from troubleshooting import translating
from troubleshooting.models import (
    TRANSLATION_MODELS,
    SearchDocument,
    Symptom,
)

from . import shown
from .engines import ranked_document_ids
from .index import findable_documents, index, rebuild, unindex
from .query import (
    MAX_QUERY_LENGTH,
    correct,
    guide,
    query_terms,
    query_words,
    understand,
    vocabulary,
    words,
)
from .ranking import rank
from .snippets import highlight, snippet
from .usage import record_miss, record_open, record_search

__all__ = [
    "Hit",
    "MAX_QUERY_LENGTH",
    "SearchResults",
    "anchor",
    "findable_documents",
    "highlight",
    "index",
    "owners",
    "query_terms",
    "rebuild",
    "record_miss",
    "record_open",
    "record_search",
    "search",
    "unindex",
    "vocabulary",
    "words",
]

Source = SearchDocument.Source


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it leads, and a snippet with the matches marked."""

    kind: str
    title: str
    url: str  # the place that answers: the article, or the step or cause inside it
    snippet: SafeString
    symptom: Symptom | None = None  # the article (for steps and causes: the one it is shown in)
    flow_url: str | None = None
    open_url: str = ""  # ``url``, by way of the address that counts the result as opened


@dataclass
class SearchResults:
    query: str
    terms: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    corrected_query: str | None = None  # results are for this, after fixing typos
    suggestion: str | None = None  # nothing found; this might work


def search(
    query: str,
    *,
    limit: int = 20,
    exact: bool = False,
    record_misses: bool = True,
    language: str | None = None,
) -> SearchResults:
    """Find the symptoms, fix steps and causes that best answer a query, best first.

    Only documents in ``language`` (the visitor's, by default) are searched, and results lead
    to that language's pages. ``exact`` searches the words as typed, without correcting typos.
    """
    language = language or translating.active_language()
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    typed = query_terms(query, language)
    results = SearchResults(query=query, terms=typed)
    if not typed:
        return results
    known = guide(language)
    terms = typed if exact else correct(typed, known, cutoff=0.75)
    if terms != typed:
        results.corrected_query = " ".join(terms)
    fixes = dict(zip(typed, terms, strict=True))
    understood = understand([fixes.get(w, w) for w in query_words(query)], known.synonyms, language)
    results.terms = terms
    candidates = ranked_document_ids(understood.engine_terms(), language)
    results.hits = _hits(candidates, understood, known, query=query, limit=limit)
    if not results.hits:
        results.corrected_query = None
        suggestion = correct(typed, known, cutoff=0.6, loose=True)
        if suggestion != typed:
            results.suggestion = " ".join(suggestion)
        if record_misses:
            record_miss(query)
    return results


def _hits(document_ids: list[int], understood, known, *, query: str, limit: int) -> list[Hit]:
    """Return the first ``limit`` ranked documents a visitor can open, as results."""
    found = shown.documents(known.language, document_ids)
    ranked = [
        doc for _, doc in rank([found[pk] for pk in document_ids if pk in found], understood, known)
    ]
    # A step or cause is shown in the best-ranked symptom that lists it, else its first one.
    preferred = [document.object_id for document in ranked if document.kind == Source.SYMPTOM]
    # Only the results shown are read (their articles, steps and causes, and translations);
    # the next ones only if one of those could not be opened after all (taken offline since).
    hits = _opened(ranked[:limit], preferred, understood, query)
    if len(hits) < limit and len(ranked) > limit:
        hits += _opened(ranked[limit:], preferred, understood, query)[: limit - len(hits)]
    return hits


def _opened(documents: list, preferred: list[int], understood, query: str) -> list[Hit]:
    """Return the documents a visitor can open, as results, in their order."""
    ids = {kind: [] for kind in Source.values}
    for document in documents:
        ids[document.kind].append(document.object_id)
    links = shown.linked({kind: ids[kind] for kind in shown.LINKS})
    symptoms = shown.symptoms({*ids[Source.SYMPTOM], *(link[2] for link in links)})
    owner = shown.owners_of(links, symptoms, preferred)
    # Addresses in the visitor's language: every symptom, topic, step and cause at once.
    _translate([symptoms[pk] for pk in ids[Source.SYMPTOM] if pk in symptoms], *owner.values())
    hits = []
    for document in documents:
        if document.kind == Source.SYMPTOM:
            symptom, item = symptoms.get(document.object_id), None
        else:
            symptom, item = owner[document.kind].get(document.object_id, (None, None))
        if symptom is None:
            continue
        url = symptom.get_absolute_url() + (anchor(document.kind, item.slug) if item else "")
        hits.append(
            Hit(
                kind=document.kind,
                title=document.title,
                url=url,
                snippet=snippet(document.body, document.aliases.splitlines(), understood.groups),
                symptom=symptom,
                flow_url=symptom.get_flow_url() if document.kind == Source.SYMPTOM else None,
                open_url=open_url(query, document, symptom),
            )
        )
    return hits


def anchor(kind: str, slug: str) -> str:
    """Return the fragment of a step or cause inside its article."""
    return f"#{kind}-{slug}"


def open_url(query: str, document: SearchDocument, symptom: Symptom) -> str:
    """Return the address that counts a result as opened for the query, then leads to it."""
    params = {"q": query, "to": f"{document.kind}-{document.object_id}"}
    if document.kind != Source.SYMPTOM:
        params["in"] = symptom.pk
    return f"{reverse('troubleshooting:search_open')}?{urlencode(params)}"


def _translate(symptoms: list[Symptom], *owned: dict) -> None:
    """Put the active language's titles and slugs onto the symptoms, topics, steps and causes.

    One query for every kind at once (a page of results stays at the English page's count):
    an item without a visible translation keeps its English, as its page does.
    """
    language = translating.active_language()
    items = [item for found in owned for item in found.values()]
    if language not in translating.TRANSLATED or not (symptoms or items):
        return
    articles = symptoms + [symptom for symptom, _ in items]
    everything = [*articles, *(symptom.topic for symptom in articles), *(item for _, item in items)]
    # A symptom found and listing a step found is one instance: it is translated once.
    everything = list({id(item): item for item in everything}.values())
    by_kind: dict[type, set[int]] = {}
    for item in everything:
        by_kind.setdefault(type(item), set()).add(item.pk)
    parts = [
        TRANSLATION_MODELS[kind]
        .objects.in_language(language)
        .filter(source_id__in=ids)
        .order_by()
        .annotate(kind=Value(kind.__name__))
        .values_list("kind", "source_id", "slug", "title")
        for kind, ids in by_kind.items()
    ]
    found = {
        (kind, pk): (slug, title) for kind, pk, slug, title in parts[0].union(*parts[1:], all=True)
    }
    for item in everything:
        item.english_slug = translating.source_slug(item)
        translated = found.get((type(item).__name__, item.pk))
        if translated is not None:
            item.slug, item.title = translated


def owners(
    kind: str, object_ids: list[int], preferred: list[int] = (), *, translate: bool = True
) -> dict[int, tuple[Symptom, object]]:
    """Return, per step or cause, the live symptom to show it in and the step or cause itself.

    Both come in the active language (``translate``), so the address is the article's in that
    language and the fragment the step's or cause's anchor there.
    """
    links = shown.linked({kind: list(object_ids)})
    chosen = shown.owners_of(links, shown.symptoms({link[2] for link in links}), preferred)[kind]
    if translate:
        _translate([], chosen)
    return chosen

"""One relevance score for every candidate, whichever engine found it.

The engines agree on what matches but not on every score (bm25 and ts_rank normalise
differently), so the best candidates are scored once more here, the same way on both: each group
of the query's words counts by how rare it is (its inverse document frequency over the guide) and
by the best field it appears in, title above aliases above text; a query that names a title or an
alias whole comes first; symptoms get a modest lead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from troubleshooting.models import SearchDocument

from .query import Guide, Understood, name_text, words

TITLE, ALIASES, BODY = 3.0, 2.0, 1.0
SYNONYM_DISCOUNT = 0.9  # a word people typed counts a little above the words it led to
KIND_PREFERENCE = {
    SearchDocument.Source.SYMPTOM: 1.1,
    SearchDocument.Source.STEP: 1.0,
    SearchDocument.Source.CAUSE: 0.95,
}
NAMING, TITLE_COVERAGE = 0.8, 0.15


@dataclass(frozen=True)
class Fields:
    """A document's words per field, each field's as one text for prefix matching."""

    title: tuple[str, ...]
    aliases: str
    body: str
    names: tuple[str, ...]  # the title and each alias, as plain words
    title_text: str = ""


def _spaced(field_words: list[str]) -> str:
    """Return the words each after a space: " stem" is in it when a word starts with the stem.

    Words hold no spaces, so one substring search answers "does any word start with it?",
    where testing each word of a long body took most of a search's ranking.
    """
    return " " + " ".join(field_words) if field_words else ""


def fields_of(document: SearchDocument) -> Fields:
    """Return the words of a document's fields."""
    return _fields(document.title, document.aliases, document.body)


# Splitting a candidate's fields into words was most of ranking, and the same documents are
# candidates search after search: kept by the texts themselves, so an edited document is split
# afresh, whatever its id. Bounded as ``fold`` is (100 candidates a search); shared between
# requests, so nothing may change what it returns.
@functools.lru_cache(maxsize=2048)
def _fields(title: str, aliases: str, body: str) -> Fields:
    """Return the words of a document's fields, given its texts."""
    lines = [title, *aliases.splitlines()]
    title_words = words(title)
    return Fields(
        title=tuple(title_words),
        aliases=_spaced(words(aliases)),
        body=_spaced(words(body)),
        names=tuple(name_text(line) for line in lines if line.strip()),
        title_text=_spaced(title_words),
    )


def _has(field_text: str, alternative: tuple[str, ...]) -> bool:
    return all(f" {stem}" in field_text for stem in alternative)


def _best_field(fields: Fields, alternative: tuple[str, ...]) -> float:
    for weight, field_text in ((TITLE, fields.title_text), (ALIASES, fields.aliases)):
        if _has(field_text, alternative):
            return weight
    return BODY if _has(fields.body, alternative) else 0.0


def weights(query: Understood, guide: Guide) -> list[float]:
    """Return each group's weight: how rare the words typed are, on average."""
    return [sum(guide.idf(stem) for stem in group[0]) / len(group[0]) for group in query.groups]


def score(
    document: SearchDocument,
    fields: Fields,
    query: Understood,
    guide: Guide,
    group_weights: list[float] | None = None,
) -> float:
    """Return how well a document answers the query: higher is better."""
    achieved = possible = 0.0
    if group_weights is None:
        group_weights = weights(query, guide)
    for group, weight in zip(query.groups, group_weights, strict=True):
        best = max(
            _best_field(fields, alternative) * (1.0 if at == 0 else SYNONYM_DISCOUNT)
            for at, alternative in enumerate(group)
        )
        achieved += weight * best
        possible += weight * TITLE
    if not possible or not achieved:
        return 0.0
    total = achieved / possible * KIND_PREFERENCE[document.kind]
    coverage = _title_coverage(fields.title, query, guide.stopwords)
    return total + _naming(query.phrase, fields.names) + coverage


def _naming(phrase: str, names: tuple[str, ...]) -> float:
    """Reward a query that is a title or alias ("not delivered"), or holds one ("says not
    delivered"), or is held by one: by the share of words they have in common."""
    if not phrase:
        return 0.0
    best = 0.0
    padded_phrase, length = f" {phrase} ", len(phrase.split())
    for name in names:
        padded_name, name_length = f" {name} ", len(name.split())
        if name == phrase:
            return NAMING
        if name_length > 1 and padded_name in padded_phrase:
            best = max(best, NAMING * name_length / length)
        elif length > 1 and padded_phrase in padded_name:
            best = max(best, NAMING * length / name_length)
    return best


def _title_coverage(title: tuple[str, ...], query: Understood, stopwords: frozenset[str]) -> float:
    """Reward a title made mostly of the query's words: "Force restart" over a long title."""
    meaningful = [word for word in title if word not in stopwords]
    if not meaningful:
        return 0.0
    stems = [stem for group in query.groups for alternative in group for stem in alternative]
    covered = sum(1 for word in meaningful if any(word.startswith(stem) for stem in stems))
    return TITLE_COVERAGE * covered / len(meaningful)


def rank(documents: list[SearchDocument], query: Understood, guide: Guide) -> list:
    """Return (score, document) pairs, best first; the engine's order breaks ties."""
    scored = []
    # The same for every candidate: worked out once, not once per candidate.
    group_weights = weights(query, guide)
    for position, document in enumerate(documents):
        # A candidate none of whose words match (a PostgreSQL trigram match for a typo the
        # corrector missed) still follows, in the engine's order.
        value = score(document, fields_of(document), query, guide, group_weights)
        scored.append((value, -position, document))
    scored.sort(key=lambda item: item[:2], reverse=True)
    return [(value, document) for value, _, document in scored]

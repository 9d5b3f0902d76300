"""The two engines, each finding and ranking candidates on its own database.

Both rank with the same field weights (title above aliases above text) and the same modest
preference for symptoms; ``ranking.py`` then orders the best of them the same way on both.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, F, FloatField, Q, Value, When

from troubleshooting.models import SearchDocument

SYMPTOM_PREFERENCE = 1.25
# FTS5's bm25 weights per column (title, aliases, body); PostgreSQL's ts_rank weights per class,
# in its order D, C (body), B (aliases), A (title): the same proportions.
BM25_WEIGHTS = (10.0, 6.0, 1.0)
TS_RANK_WEIGHTS = [0.0, 0.1, 0.6, 1.0]
# PostgreSQL's text-search configuration per language (migration 0018): each language's own
# stemmer; Spanish and French fold accents first, as people type without them.
POSTGRES_CONFIGS = {"en": "english", "es": "helpcenter_spanish", "fr": "helpcenter_french"}


# Each engine's query runs only on its own database: CI runs the suite on SQLite and on PostgreSQL
# and measures coverage over both runs together (.ci/run).
def _sqlite_ranked(terms: list[str], language: str, limit: int) -> list[int]:
    match = " OR ".join(f'"{term}"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fts.rowid FROM troubleshooting_search_fts fts "
            "JOIN troubleshooting_searchdocument document ON document.id = fts.rowid "
            "WHERE troubleshooting_search_fts MATCH %s AND document.language = %s "
            # bm25 is negative, lower is better: a larger factor ranks a symptom higher.
            "ORDER BY bm25(troubleshooting_search_fts, %s, %s, %s) "
            "* (CASE document.kind WHEN %s THEN %s ELSE 1.0 END), fts.rowid LIMIT %s",
            [
                match,
                language,
                *BM25_WEIGHTS,
                SearchDocument.Source.SYMPTOM,
                SYMPTOM_PREFERENCE,
                limit,
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_ranked(terms: list[str], language: str, limit: int) -> list[int]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
    from django.db.models.expressions import RawSQL

    # The weighted tsvector that PostgreSQL stores beside each document (migrations 0003, 0018).
    stored_vector = RawSQL(
        '"troubleshooting_searchdocument"."search_vector"', [], output_field=SearchVectorField()
    )
    tsquery = SearchQuery(
        " | ".join(f"{term}:*" for term in terms),
        search_type="raw",
        config=POSTGRES_CONFIGS.get(language, "english"),
    )
    preference = Case(
        When(kind=SearchDocument.Source.SYMPTOM, then=Value(SYMPTOM_PREFERENCE)),
        default=Value(1.0),
        output_field=FloatField(),
    )
    documents = SearchDocument.objects.filter(language=language).annotate(vector=stored_vector)
    # Words or prefixes of the query in the text (@@ on the GIN-indexed vector), best first.
    found = list(
        documents.filter(vector=tsquery)
        .annotate(rank=SearchRank(F("vector"), tsquery, weights=TS_RANK_WEIGHTS) * preference)
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if len(found) >= limit // 2:
        return found
    # Few full-text matches: add titles and aliases close to the words (pg_trgm's %>, served by
    # the trigram indexes), for typos the vocabulary did not catch.
    return found + _similar(documents, " ".join(terms), found, limit - len(found))


def _similar(documents, text: str, found: list[int], limit: int) -> list[int]:
    """Return documents whose title or aliases hold a word close to the text, most alike first."""
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models.functions import Greatest

    similar = (
        documents.filter(
            Q(title__trigram_word_similar=text) | Q(aliases__trigram_word_similar=text)
        )
        .exclude(pk__in=found)
        .annotate(
            similarity=Greatest(
                TrigramWordSimilarity(text, "title"), TrigramWordSimilarity(text, "aliases")
            )
        )
        .order_by("-similarity", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(similar)


def ranked_document_ids(terms: list[str], language: str, *, limit: int = 100) -> list[int]:
    """Return matching ids of documents in ``language``, best first, from the database's engine."""
    if not terms:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ranked(terms, language, limit)
    return _sqlite_ranked(terms, language, limit)

"""Search over symptoms, fix steps and causes, in the words people use.

One small interface, ``search(query)``, over two real engines: SQLite FTS5 (bm25 with titles
weighted above aliases and body) on the default database, and PostgreSQL full-text search (weighted
tsvector ranking) with pg_trgm word similarity. Both see the same ``SearchDocument`` rows, kept in
step with the content on every save and delete, and both answer with the same ``SearchResults``.

Typos are corrected against the words of the guide itself ("imesage" → "imessage"), every word also
matches as a prefix ("deliv" finds "delivered"), and a query that finds nothing gets a "did you
mean" and is recorded (its words only) for editors.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from . import caching
from .models import (
    Cause,
    FixStep,
    SearchDocument,
    SearchMiss,
    Status,
    Symptom,
    SymptomCause,
    SymptomStep,
    live,
)
from .outcomes.recording import record_safely

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
WORD = re.compile(r"[^\W_]+")
# A word with its apostrophes ("won't", "iPhone’s"), to recognise contractions in queries.
CONTRACTION = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Words that say nothing about the problem; they would match almost every document.
STOPWORDS = frozenset(
    """a about an and are as at be but by can do does doesn't don't for from get got had has have he
    her him his how i i'm if in into is isn't it it's its just me my no not of on or our out she so
    that the their them then there they this to too up us was we were what when where which who why
    will with won't you your wont cant dont doesnt isnt didnt im ive""".split()  # noqa: SIM905 (a list of 90 words reads better as prose)
)
KIND_ORDER = {
    SearchDocument.Source.SYMPTOM: 0,
    SearchDocument.Source.STEP: 1,
    SearchDocument.Source.CAUSE: 2,
}


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, where it leads, and a snippet with the matches marked."""

    kind: str
    title: str
    url: str
    snippet: SafeString
    symptom: Symptom | None = None  # the symptom to open (for steps and causes: one that uses it)
    flow_url: str | None = None


@dataclass
class SearchResults:
    query: str
    terms: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    corrected_query: str | None = None  # results are for this, after fixing typos
    suggestion: str | None = None  # nothing found; this might work


# Keeping the index in step ---------------------------------------------------------------------


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


# Understanding the query -----------------------------------------------------------------------


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def query_terms(query: str) -> list[str]:
    """Return the meaningful words of a query, at most MAX_TERMS of them."""
    terms = []
    for token in CONTRACTION.findall(query[:MAX_QUERY_LENGTH].lower()):
        # "won't" is a stopword as a whole; split, its "t" would match nearly every word.
        if token.replace("’", "'") in STOPWORDS:
            continue
        for word in words(token):
            if len(word) > 1 and word not in STOPWORDS and word not in terms:
                terms.append(word)
    return terms[:MAX_TERMS]


_vocabulary_cache: tuple[tuple, list[str]] | None = None


def _live_links(link_model, field_name: str):
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
            object_id__in=_live_links(SymptomStep, "step").values("step"),
        )
        | Q(
            kind=KIND_OF_MODEL[Cause],
            object_id__in=_live_links(SymptomCause, "cause").values("cause"),
        )
    )


def vocabulary() -> list[str]:
    """Return the sorted words of what the public can find, rebuilt when that may have changed."""
    global _vocabulary_cache
    # The content version changes with every save and whenever scheduled content goes live, so a
    # word appears when its content does and goes with it.
    key = (connection.alias, connection.settings_dict["NAME"], caching.content_version())
    if _vocabulary_cache is None or _vocabulary_cache[0] != key:
        found = set()
        for title, aliases, body in findable_documents().values_list("title", "aliases", "body"):
            found.update(words(f"{title} {aliases} {body}"))
        _vocabulary_cache = (key, sorted(found))
    return _vocabulary_cache[1]


def _known(term: str, vocab: list[str]) -> bool:
    """Is the term a word of the guide, or the start of one?"""
    at = bisect.bisect_left(vocab, term)
    return at < len(vocab) and vocab[at].startswith(term)


def correct(terms: list[str], vocab: list[str], *, cutoff: float) -> list[str]:
    """Replace words the guide never uses by the closest word it does use."""
    corrected = []
    for term in terms:
        if _known(term, vocab) or len(term) < 3:
            corrected.append(term)
            continue
        close = difflib.get_close_matches(term, vocab, n=1, cutoff=cutoff)
        corrected.append(close[0] if close else term)
    return corrected


# The engines -----------------------------------------------------------------------------------


# Each engine's query runs only on its own database: CI runs the suite on SQLite and on PostgreSQL
# and measures coverage over both runs together (.ci/run).
def _sqlite_ranked(terms: list[str], limit: int) -> list[int]:
    match = " OR ".join(f'"{term}"*' for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM troubleshooting_search_fts "
            "WHERE troubleshooting_search_fts MATCH %s "
            "ORDER BY bm25(troubleshooting_search_fts, 10.0, 6.0, 1.0) LIMIT %s",
            [match, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _postgres_ranked(terms: list[str], limit: int) -> list[int]:
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVectorField,
        TrigramWordSimilarity,
    )
    from django.db.models.expressions import RawSQL
    from django.db.models.functions import Greatest

    # The weighted tsvector that PostgreSQL stores beside each document (migration 0003).
    stored_vector = RawSQL(
        '"troubleshooting_searchdocument"."search_vector"', [], output_field=SearchVectorField()
    )
    tsquery = SearchQuery(
        " | ".join(f"{term}:*" for term in terms), search_type="raw", config="english"
    )
    text = " ".join(terms)
    documents = SearchDocument.objects.annotate(vector=stored_vector)
    # Words or prefixes of the query in the text (@@ on the GIN-indexed vector), best first.
    found = list(
        documents.filter(vector=tsquery)
        .annotate(rank=SearchRank(F("vector"), tsquery, weights=[0.1, 0.2, 0.5, 1.0]))
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    if len(found) >= limit // 2:
        return found
    # Few full-text matches: add titles and aliases close to the words (pg_trgm's %>, served by
    # the trigram indexes), for typos the vocabulary did not catch.
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
        .values_list("pk", flat=True)[: limit - len(found)]
    )
    return found + list(similar)


def ranked_document_ids(terms: list[str], *, limit: int = 60) -> list[int]:
    """Return matching SearchDocument ids, best first, from the database's own engine."""
    if connection.vendor == "postgresql":
        return _postgres_ranked(terms, limit)
    return _sqlite_ranked(terms, limit)


# Putting it together ---------------------------------------------------------------------------


def search(
    query: str, *, limit: int = 20, exact: bool = False, record_misses: bool = True
) -> SearchResults:
    """Find the symptoms, fix steps and causes that match a query, symptoms first.

    ``exact`` searches the words as typed, without correcting typos.
    """
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    typed = query_terms(query)
    results = SearchResults(query=query, terms=typed)
    if not typed:
        return results
    vocab = vocabulary()
    terms = typed if exact else correct(typed, vocab, cutoff=0.75)
    if terms != typed:
        results.corrected_query = " ".join(terms)
    fixes = dict(zip(typed, terms, strict=True))
    phrase = " ".join(fixes.get(word, word) for word in words(query))
    results.terms = terms
    results.hits = _hits(ranked_document_ids(terms), terms, phrase=phrase)[:limit]
    if not results.hits:
        results.corrected_query = None
        suggestion = correct(typed, vocab, cutoff=0.6)
        if suggestion != typed:
            results.suggestion = " ".join(suggestion)
        if record_misses:
            record_miss(query)
    return results


def _hits(document_ids: list[int], terms: list[str], *, phrase: str = "") -> list[Hit]:
    documents = findable_documents().in_bulk(document_ids)
    ids = {kind: [] for kind in KIND_ORDER}
    for document in documents.values():
        ids[document.kind].append(document.object_id)

    symptoms = Symptom.objects.in_visible_topic().select_related("topic")
    symptoms = symptoms.in_bulk(ids[SearchDocument.Source.SYMPTOM])
    # A step or cause opens the first published symptom that lists it.
    owner = {
        SearchDocument.Source.STEP: _owners(SymptomStep, "step", ids[SearchDocument.Source.STEP]),
        SearchDocument.Source.CAUSE: _owners(
            SymptomCause, "cause", ids[SearchDocument.Source.CAUSE]
        ),
    }

    hits = []
    for position, document_id in enumerate(document_ids):
        document = documents.get(document_id)
        if document is None:
            continue
        if document.kind == SearchDocument.Source.SYMPTOM:
            symptom = symptoms.get(document.object_id)
            if symptom is None:
                continue
            url, flow_url = symptom.get_absolute_url(), symptom.get_flow_url()
            text = symptom.summary
            if not _mentions(text, terms) and document.aliases:
                text = "Also called: " + "; ".join(document.aliases.splitlines())
        else:
            symptom = owner[document.kind].get(document.object_id)
            if symptom is None:
                continue
            url, flow_url = symptom.get_absolute_url(), None
            text = document.body
        hit = Hit(
            kind=document.kind,
            title=document.title,
            url=url,
            snippet=highlight(text, terms),
            symptom=symptom,
            flow_url=flow_url,
        )
        # The query naming a title or an alias ("says not delivered") beats scattered words.
        naming = min(
            _naming(phrase, " ".join(words(line)))
            for line in [document.title, *document.aliases.splitlines()]
        )
        hits.append((KIND_ORDER[document.kind], naming, position, hit))
    return [item[-1] for item in sorted(hits, key=lambda item: item[:3])]


def _naming(phrase: str, line: str) -> int:
    """0: the query is this title or alias; 1: one contains the other (two words or more)."""
    if not phrase or not line:
        return 2
    if phrase == line:
        return 0
    padded_phrase, padded_line = f" {phrase} ", f" {line} "
    if padded_phrase in padded_line or (" " in line and padded_line in padded_phrase):
        return 1
    return 2


def _owners(link_model, field_name: str, object_ids: list[int]) -> dict[int, Symptom]:
    links = (
        _live_links(link_model, field_name)
        .filter(**{f"{field_name}_id__in": object_ids})
        .select_related("symptom__topic")
        .order_by("symptom__topic__position", "symptom__position", "position")
    )
    owners: dict[int, Symptom] = {}
    for link in links:
        owners.setdefault(getattr(link, f"{field_name}_id"), link.symptom)
    return owners


def _match_pattern(terms: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(re.escape(term) for term in terms) + r")\w*", re.IGNORECASE)


def _mentions(text: str, terms: list[str]) -> bool:
    return bool(terms) and _match_pattern(terms).search(text) is not None


MARKDOWN_NOISE = re.compile(r"[*_`#>\[\]()]+|\n+")


def highlight(text: str, terms: list[str], *, width: int = 180) -> SafeString:
    """Return an escaped excerpt of text around the first match, with every match in <mark>."""
    plain = " ".join(MARKDOWN_NOISE.sub(" ", text).split())
    if not terms:
        return escape(plain[:width])
    pattern = _match_pattern(terms)
    first = pattern.search(plain)
    start = max(0, (first.start() if first else 0) - width // 3)
    if start:
        start = plain.find(" ", start) + 1 or start
    excerpt = plain[start : start + width]
    if start + width < len(plain):
        excerpt = excerpt.rsplit(" ", 1)[0] + "…"
    if start:
        excerpt = "…" + excerpt
    pieces, last = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append((excerpt[last : match.start()], match.group(0)))
        last = match.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", pieces), excerpt[last:])


def record_miss(query: str) -> None:
    """Count a search that found nothing, by its words alone; never fail the search for it."""
    text = " ".join(words(query))[:MAX_QUERY_LENGTH]
    if text:
        record_safely("a search that found nothing", lambda: _count_miss(text), otherwise=None)


def _count_miss(text: str) -> None:
    """Add one to a missed query's count; concurrent counts are kept."""
    seen = SearchMiss.objects.filter(query=text)
    if seen.update(count=F("count") + 1, last_seen=timezone.now()):
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=text)
    except IntegrityError:  # someone recorded it first
        seen.update(count=F("count") + 1, last_seen=timezone.now())

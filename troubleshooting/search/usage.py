"""What people search for, anonymously: searches that found nothing, searches made, and the
results opened."""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from troubleshooting.models import SearchMiss, SearchOpen, SearchQuery
from troubleshooting.outcomes.languages import recorded_language
from troubleshooting.outcomes.recording import record_safely

from .query import MAX_QUERY_LENGTH, words


def normalized(query: str) -> str:
    """Return a query as it is kept: its words alone, lower case, nothing about who typed it."""
    return " ".join(words(query))[:MAX_QUERY_LENGTH].strip()


def record_miss(query: str) -> None:
    """Count a search that found nothing, by its words and language; never fail the search."""
    text, language = normalized(query), recorded_language()
    if text:
        record_safely(
            "a search that found nothing", lambda: _count_miss(text, language), otherwise=None
        )


class SearchCounts:
    """Searches counted in this process, written together at most every SEARCH_COUNT_SECONDS.

    A search page served from the cache then costs no query; a process that stops loses at most
    that many seconds of counts, which only ever feed the editors' content gaps.
    """

    MAX_QUERIES = 1000  # distinct queries held between writes; more wait for the next write

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget what was counted and not yet written (tests: as a new process)."""
        self.counts: Counter = Counter()
        self.since = time.monotonic()

    def add(self, text: str, language: str) -> None:
        """Count one search in a language; write the counts if they have waited long enough."""
        with self.lock:
            if (text, language) in self.counts or len(self.counts) < self.MAX_QUERIES:
                self.counts[text, language] += 1
            if time.monotonic() - self.since < settings.SEARCH_COUNT_SECONDS:
                return
            counts, self.counts, self.since = self.counts, Counter(), time.monotonic()
        record_safely("the searches made", lambda: _write_counts(counts), otherwise=None)


search_counts = SearchCounts()


def record_search(query: str) -> None:
    """Count a search someone made from the search page; never fail the page for it."""
    text = normalized(query)
    if text:
        search_counts.add(text, recorded_language())


def _write_counts(counts: Counter) -> None:
    for (text, language), count in sorted(counts.items()):
        _counted(text, language, searches=F("searches") + count)


def record_open(query: str, *, kind: str, object_id: int, title: str) -> None:
    """Count that someone who searched for ``query`` opened this result."""
    text, language = normalized(query), recorded_language()
    if text:
        record_safely(
            "a search result opened",
            lambda: _count_open(text, language, kind=kind, object_id=object_id, title=title),
            otherwise=None,
        )


def _count_miss(text: str, language: str) -> None:
    """Add one to a missed query's count; concurrent counts are kept."""
    seen = SearchMiss.objects.filter(query=text, language=language)
    if seen.update(count=F("count") + 1, last_seen=timezone.now()):
        return
    try:
        with transaction.atomic():
            SearchMiss.objects.create(query=text, language=language)
    except IntegrityError:  # someone recorded it first
        seen.update(count=F("count") + 1, last_seen=timezone.now())


def _counted(text: str, language: str, **increments) -> None:
    """Add to a query's counts, creating it first if need be; concurrent counts are kept."""
    seen = SearchQuery.objects.filter(query=text, language=language)
    if seen.update(last_seen=timezone.now(), **increments):
        return
    try:
        with transaction.atomic():
            SearchQuery.objects.create(query=text, language=language)
    except IntegrityError:  # someone recorded it first
        pass
    seen.update(last_seen=timezone.now(), **increments)


@transaction.atomic
def _count_open(text: str, language: str, *, kind: str, object_id: int, title: str) -> None:
    # A result opened from the as-you-type results counts their search too (they are not
    # counted as people type), so a query never has more opens than searches.
    _counted(text, language, opens=F("opens") + 1, searches=Greatest(F("searches"), F("opens") + 1))
    search = SearchQuery.objects.get(query=text, language=language)
    opened = SearchOpen.objects.filter(search=search, kind=kind, object_id=object_id)
    if opened.update(count=F("count") + 1, title=title[:200]):
        return
    try:
        with transaction.atomic():
            SearchOpen.objects.create(
                search=search, kind=kind, object_id=object_id, title=title[:200], count=1
            )
    except IntegrityError:  # someone recorded it first
        opened.update(count=F("count") + 1)

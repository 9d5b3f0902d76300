"""What people search for, anonymously: searches that found nothing, and results opened."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from troubleshooting.models import SearchMiss, SearchOpen, SearchQuery
from troubleshooting.outcomes.recording import record_safely

from .query import MAX_QUERY_LENGTH, words


def normalized(query: str) -> str:
    """Return a query as it is kept: its words alone, lower case, nothing about who typed it."""
    return " ".join(words(query))[:MAX_QUERY_LENGTH].strip()


def record_miss(query: str) -> None:
    """Count a search that found nothing, by its words alone; never fail the search for it."""
    text = normalized(query)
    if text:
        record_safely("a search that found nothing", lambda: _count_miss(text), otherwise=None)


def record_search(query: str) -> None:
    """Count a search someone made from the search page; never fail the page for it."""
    text = normalized(query)
    if text:
        record_safely(
            "a search", lambda: _counted(text, searches=F("searches") + 1), otherwise=None
        )


def record_open(query: str, *, kind: str, object_id: int, title: str) -> None:
    """Count that someone who searched for ``query`` opened this result."""
    text = normalized(query)
    if text:
        record_safely(
            "a search result opened",
            lambda: _count_open(text, kind=kind, object_id=object_id, title=title),
            otherwise=None,
        )


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


def _counted(text: str, **increments) -> None:
    """Add to a query's counts, creating it first if need be; concurrent counts are kept."""
    seen = SearchQuery.objects.filter(query=text)
    if seen.update(last_seen=timezone.now(), **increments):
        return
    try:
        with transaction.atomic():
            SearchQuery.objects.create(query=text)
    except IntegrityError:  # someone recorded it first
        pass
    seen.update(last_seen=timezone.now(), **increments)


@transaction.atomic
def _count_open(text: str, *, kind: str, object_id: int, title: str) -> None:
    # A result opened from the as-you-type results counts their search too (they are not
    # counted as people type), so a query never has more opens than searches.
    _counted(text, opens=F("opens") + 1, searches=Greatest(F("searches"), F("opens") + 1))
    search = SearchQuery.objects.get(query=text)
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

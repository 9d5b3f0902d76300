"""What people search for, anonymously: searches that found nothing, searches made, and the
results opened."""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter, deque
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.signals import request_finished, setting_changed
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.dispatch import receiver
from django.utils import timezone, translation

from troubleshooting.models import SearchMiss, SearchOpen, SearchQuery
from troubleshooting.outcomes.languages import recorded_language
from troubleshooting.outcomes.recording import record_safely
from troubleshooting.page_query import declared_fields

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

    Counting is all a search page served from the cache does beyond serving it, so it is kept
    to appending the search to what this process holds (a deque's append needs no lock): a
    query's words and its language are worked out when the searches are written, once per
    distinct query, and the write waits until a response has been sent (``request_finished``),
    so nobody waits for it. What is still held when the process exits is written then; a
    process killed outright loses at most SEARCH_COUNT_SECONDS of searches, which only ever
    feed the editors' content gaps.
    """

    # Searches held between writes: reaching it writes them after this response. Each is at
    # most an address long (the server's request-line limit), so they stay a few MB.
    MAX_HELD = 1000

    def __init__(self):
        self.lock = threading.Lock()  # one write at a time
        self.reset()

    def reset(self) -> None:
        """Forget what was counted and not yet written (tests: as a new process)."""
        # Each search held as one string, "<language> <words as sent>" (a language code has no
        # space): a tuple per search would be an object the garbage collector tracks, held
        # until the write, which makes collections come sooner on a busy search page.
        self.held: deque[str] = deque()
        self.write_pending = False
        self.restart_clock()

    def restart_clock(self) -> None:
        """Make the next write due SEARCH_COUNT_SECONDS from now."""
        # Worked out here, not per search: reading a setting costs more than the rest of a count.
        self.due = time.monotonic() + settings.SEARCH_COUNT_SECONDS

    def add(self, query: str, language: str) -> None:
        """Count one search (its words as sent, still escaped) in a language; write when due."""
        held = self.held
        held.append(f"{language} {query}")
        if not self.write_pending and (len(held) >= self.MAX_HELD or time.monotonic() >= self.due):
            # Written once this response has been sent (``_write_when_due``). Two threads
            # setting it at once is harmless: the write takes whatever is held.
            self.write_pending = True

    def write(self) -> None:
        """Write every search counted so far; never fail the caller for it."""
        counts: Counter = Counter()
        with self.lock:
            self.restart_clock()
            self.write_pending = False
            held = self.held
            # Taken from the front, never swapped for a new deque: a search appended meanwhile
            # is either taken now or left for the next write, never lost.
            for _ in range(len(held)):
                counts[held.popleft()] += 1
        if counts:
            record_safely("the searches made", lambda: _write_counts(counts), otherwise=None)


SEARCH_PARAM = "q"  # the search page's words
SEARCH_FIELDS = frozenset({SEARCH_PARAM})
search_counts = SearchCounts()
# A server stopping its worker (a deploy, a restart after N requests) exits it normally.
atexit.register(search_counts.write)


@receiver(setting_changed)
def _follow_count_seconds(setting, **kwargs) -> None:
    """Time the next write by the new period after a test changes it."""
    if setting == "SEARCH_COUNT_SECONDS":
        search_counts.restart_clock()


@receiver(request_finished, dispatch_uid="troubleshooting.search.usage.write_when_due")
def _write_when_due(**kwargs) -> None:
    """Write the held searches after a response, once they are due (one look per request)."""
    if search_counts.write_pending:
        search_counts.write()


def record_search(request) -> None:
    """Count the search a request to the search page made; never fail the page for it.

    Its words are counted as sent, still escaped, as the page cache read them (``page_query``,
    set by the cache; read here only when the cache did not): what it searched for is decoded
    when the counts are written, so a cached page decodes nothing.
    """
    fields = getattr(request, "page_query", None)
    if fields is None:
        fields = declared_fields(request, SEARCH_FIELDS)
    query = fields.get(SEARCH_PARAM)
    if query:
        language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
        search_counts.add(query, language or settings.LANGUAGE_CODE)


def _write_counts(counts: Counter) -> None:
    """Add searches counted as held ("<language> <words as sent>") to their rows."""
    totals: Counter = Counter()
    for held, count in counts.items():
        language, _, query = held.partition(" ")
        # Decoded as request.GET decodes it (the last value, the one the page cache kept).
        text = normalized(unquote_plus(query))
        if text:
            totals[text, recorded_language(language)] += count
    rows = sorted(totals.items())  # in key order: two writers lock rows in the same order
    size = _rows_per_statement() or max(len(rows), 1)
    for start in range(0, len(rows), size):
        _add_searches(rows[start : start + size])


# The parameters each row sends: its words, language, count and two times (``opens`` is a 0).
_VALUES_PER_ROW = 5


def _rows_per_statement() -> int | None:
    """Return how many rows one upsert can carry, or None where the database sets no limit."""
    # The engine's limit on parameters in one statement (999 in SQLite builds before 3.32):
    # a fixed number of rows could pass it, and the whole write would then fail.
    limit = connection.features.max_query_params
    return max(limit // _VALUES_PER_ROW, 1) if limit else None


def _add_searches(rows: list[tuple[tuple[str, str], int]]) -> None:
    """Add each ((words, language), count) to its row, or create it, in one statement.

    One upsert on both engines, where an update per query (and an insert for each new one) was
    nine to forty statements on PostgreSQL: the write runs in a worker between two requests
    (``request_finished``), and the request behind it waited for every round trip.
    """
    table = connection.ops.quote_name(SearchQuery._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = ", ".join(["(%s, %s, %s, 0, %s, %s)"] * len(rows))
    params = [
        value for (text, language), count in rows for value in (text, language, count, now, now)
    ]
    # Only the quoted table name and placeholders are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {table} (query, language, searches, opens, first_seen, last_seen)"  # noqa: S608
        f" VALUES {values} ON CONFLICT (language, query) DO UPDATE SET"
        f" searches = {table}.searches + excluded.searches, last_seen = excluded.last_seen"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


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

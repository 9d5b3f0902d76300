"""Record what happens in the guided fix and on articles, without slowing or breaking either.

Recording is bookkeeping: when it fails, the failure is logged and the person carries on as if
nothing happened. It waits for the database's locks only briefly (``OUTCOMES_WRITE_TIMEOUT_MS``),
so a long write elsewhere (an import holding SQLite's write lock) never holds a page up. Every
write is one short transaction keyed by a random session or voter key, so parallel requests
never lose a count (unique constraints: an answer's upsert, a vote's ``update_or_create``).
Nothing about the person is stored: no account, no IP address, no user agent.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from troubleshooting.models import (
    AnswerTally,
    ArticleVote,
    FixStep,
    FlowSession,
    KnownIssue,
    Outcome,
    Result,
    SessionTally,
    StepAnswer,
    Symptom,
    VoteTally,
)

from . import session_outcome
from .languages import recorded_language
from .statements import Insert, InsertWith, Statement, current

logger = logging.getLogger(__name__)

_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


def new_key() -> str:
    """Return a fresh random key for a session or a voter: 128 bits, URL-safe, 22 characters."""
    return secrets.token_urlsafe(16)


def is_key(value: str | None) -> bool:
    return bool(value) and _KEY.fullmatch(value) is not None


T = TypeVar("T")


def record_safely(
    what: str, write: Callable[[], T], *, otherwise: T, statements_apart: bool = False
) -> T:
    """Run ``write`` in one short transaction; on any failure log it and return ``otherwise``.

    A function rather than a context manager: a transaction that cannot even begin (the write
    lock held elsewhere) must still end in ``otherwise``, never in an error of its own.

    ``statements_apart``: the write's statements need not share a transaction. On PostgreSQL
    each is then a short transaction of its own, sent with the terms in one message: one round
    trip, where a transaction around it takes four (``BEGIN``, the terms, it, ``COMMIT``).
    """
    try:
        ms = _terms_in_each_statement(current()) if statements_apart else 0
        if ms:
            return _each_with_terms(ms, write)
        return _in_short_transaction(write)
    except Exception:
        logger.exception("Could not record %s; the person carries on without it.", what)
        return otherwise


def _in_short_transaction(write: Callable[[], T]) -> T:
    """Run ``write`` in a transaction that waits at most OUTCOMES_WRITE_TIMEOUT_MS for locks."""
    connection = current()  # looked up once, not on every use of the proxy
    ms = _own_timeout(connection)
    if not ms:
        with transaction.atomic():
            return write()
    if connection.vendor == "sqlite":
        return _with_sqlite_busy_timeout(connection, ms, write)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_TERMS, _terms_values(ms))
        return write()


# PostgreSQL: the lock and statement timeouts, and a commit that does not wait for the disk, as
# SQLite's in WAL with synchronous=NORMAL: a crash may lose the last fraction of a second of
# records (never corrupt them), where a flush per answer cost more than the rest of the answer.
# All three end with the transaction that set them.
_TERMS = (
    "SELECT set_config('lock_timeout', %s, true),"
    " set_config('statement_timeout', %s, true),"
    " set_config('synchronous_commit', 'off', true)"
)


def _terms_values(ms: int) -> list[str]:
    return [f"{ms}ms", f"{ms}ms"]


def _own_timeout(connection) -> int:
    """Return the lock wait a recording sets itself (ms); 0 when it sets none.

    None inside a caller's transaction, which already set the terms, or with the setting off.
    """
    return 0 if connection.in_atomic_block else max(int(settings.OUTCOMES_WRITE_TIMEOUT_MS), 0)


def _terms_in_each_statement(connection) -> int:
    """Return the lock wait (ms) each statement can carry itself; 0 where it can't.

    PostgreSQL with parameters bound here: bound on the server, a statement is parsed alone and
    can't carry another before it.
    """
    if connection.vendor != "postgresql":
        return 0
    if connection.settings_dict["OPTIONS"].get("server_side_binding"):
        return 0
    return _own_timeout(connection)


def _each_with_terms(ms: int, write: Callable[[], T]) -> T:
    """Run ``write``, each of its statements sent after the terms, in the same message.

    PostgreSQL runs the statements of one message as one transaction (unless they say
    otherwise), so the terms set there hold for the statement after them and end with it.
    Through Django's documented ``execute_wrapper``: every statement ``write`` makes, the ORM's
    too, carries them.
    """
    values = _terms_values(ms)

    def with_terms(execute, sql, params, many, context):
        if many:
            raise ValueError("A statement run for many rows can't carry the terms.")
        if params is None:  # with parameters, a % in the text must be written %%
            sql, params = sql.replace("%", "%%"), []
        result = execute(f"{_TERMS}; {sql}", [*values, *params], many, context)
        context["cursor"].nextset()  # the statement's own result, after the terms'
        return result

    with current().execute_wrapper(with_terms):
        return write()


def _with_sqlite_busy_timeout(connection, ms: int, write: Callable[[], T]) -> T:
    """Run ``write`` with SQLite's lock wait lowered to ``ms``, then restore the usual wait.

    BEGIN IMMEDIATE (settings' ``transaction_mode``) takes the write lock when the transaction
    opens, so the lower wait must be in place before it, and undone after it, for other writes.
    """
    usual = _usual_busy_timeout(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {ms:d}")
    try:
        with transaction.atomic():
            return write()
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(usual):d}")
        except Exception:  # a connection we cannot reset is closed: the next opens as configured
            logger.warning("Could not restore SQLite's lock wait; closing the connection.")
            connection.close()


_waits = threading.local()


def _usual_busy_timeout(connection) -> int:
    """Return the lock wait SQLite's connection opened with, read once per connection.

    Every change of it is undone, so what was read stays true while the connection lives.
    """
    connection.ensure_connection()
    raw = connection.connection
    held = getattr(_waits, "held", None)
    if held is None or held[0] is not raw:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            (usual,) = cursor.fetchone()
        # The connection itself, not its id: a closed connection's id may be a new one's.
        held = _waits.held = (raw, int(usual))
    return held[1]


def _within_rate_limit(key: str) -> bool:
    """Count one recording for a key in the current minute; False once over the limit."""
    bucket = f"outcomes:{key}:{int(time.time() // 60)}"
    try:
        # The minute's first recording creates the bucket at one: no increment to send.
        count = 1 if cache.add(bucket, 1, timeout=120) else cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr
        count = 1
    except Exception:
        logger.exception("Rate limit cache unavailable; recording anyway.")
        return True
    if count > settings.OUTCOMES_RATE_LIMIT_PER_MINUTE:
        logger.warning("Rate limit reached for an outcomes key; not recording.")
        return False
    return True


def start_session(symptom: Symptom) -> str:
    """Record that someone began a symptom's guided fix; return the session's key."""
    key = new_key()
    language = recorded_language()

    def write():
        # Marked if a known issue affects it now: its steps could not have helped.
        issue = KnownIssue.objects.active().affecting_symptom(symptom).order_by("pk").first()
        FlowSession.objects.create(key=key, symptom=symptom, known_issue=issue, language=language)

    record_safely("the start of a guided fix", write, otherwise=None)
    return key


def record_answer(
    *,
    key: str,
    symptom: Symptom,
    number: int,
    step: FixStep,
    result: str,
    is_last: bool,
    reason: str = "",
    note: str = "",
) -> str:
    """Record the answer to ``step`` (shown as step ``number``) and its meaning; return the key.

    A missing, malformed or unknown key (an old bookmark, a link from before recording began)
    starts a new session here, so the answers that follow are still counted together.
    """
    if is_key(key) and not _within_rate_limit(key):
        return key
    if result != Result.CANT_DO:
        reason, note = "", ""
    answer = {"number": number, "result": result, "reason": reason, "note": note}
    outcome, resolved_number = session_outcome.after_answer(result, number=number, is_last=is_last)

    def write() -> str:
        now = timezone.now()
        if is_key(key) and _in_session(key, symptom, step, now, answer, outcome, resolved_number):
            return key
        return _start_with(symptom, step, now, answer, outcome, resolved_number)

    # A session found or started: each statement stands alone (a key no session has writes
    # nothing), so each is sent with its terms in one round trip.
    return record_safely("an answer in the guided fix", write, otherwise=key, statements_apart=True)


# What every answer writes, its SQL written once (``statements``). Without a session's key: a
# new session and its answer. In a session: the session's id, the answer, the session's state.
_NEW_SESSION_AND_ANSWER = InsertWith(Insert(FlowSession), Insert(StepAnswer), "session")
_SESSION_ID = Statement(
    FlowSession, "SELECT {pk} FROM {table} WHERE {key} = %s AND {symptom} = %s", ("key", "symptom")
)
# One answer per step: answering it again replaces it in place (one upsert on the session and
# step's constraint), and an editor inserting or moving steps mid-session never puts one
# step's answer on another.
_ANSWER = Statement(
    StepAnswer,
    "INSERT INTO {table} ({session}, {step}, {number}, {result}, {reason}, {note}, {answered_at})"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT ({session}, {step}) DO UPDATE SET"
    " {number} = excluded.{number}, {result} = excluded.{result},"
    " {reason} = excluded.{reason}, {note} = excluded.{note},"
    " {answered_at} = excluded.{answered_at}",
    ("session", "step", "number", "result", "reason", "note", "answered_at"),
)
_SESSION_NOW = Statement(
    FlowSession,
    "UPDATE {table} SET {outcome} = %s, {resolved_number} = %s, {last_active_at} = %s"
    " WHERE {pk} = %s",
    ("outcome", "resolved_number", "last_active_at", "id"),
)

# The three statements above as one, where the database takes data-modifying statements in a
# WITH (PostgreSQL): nothing is written when no session has the key. The answer's values are
# selected from the session found, each taking its column's type as an INSERT's values do.
_IN_SESSION = Statement(
    FlowSession,
    "WITH found AS (SELECT {pk} FROM {table} WHERE {key} = %s AND {symptom} = %s),"
    " answered AS (INSERT INTO {answer.table} ({answer.session}, {answer.step}, {answer.number},"
    " {answer.result}, {answer.reason}, {answer.note}, {answer.answered_at})"
    " SELECT {pk}, %s, %s, %s, %s, %s, %s FROM found"
    " ON CONFLICT ({answer.session}, {answer.step}) DO UPDATE SET"
    " {answer.number} = excluded.{answer.number}, {answer.result} = excluded.{answer.result},"
    " {answer.reason} = excluded.{answer.reason}, {answer.note} = excluded.{answer.note},"
    " {answer.answered_at} = excluded.{answer.answered_at}),"
    " touched AS (UPDATE {table} SET {outcome} = %s, {resolved_number} = %s,"
    " {last_active_at} = %s WHERE {pk} IN (SELECT {pk} FROM found))"
    " SELECT {pk} FROM found",
    (
        "key", "symptom", "answer.step", "answer.number", "answer.result", "answer.reason",
        "answer.note", "answer.answered_at", "outcome", "resolved_number", "last_active_at",
    ),
    others={"answer": StepAnswer},
)  # fmt: skip


def _in_session(key, symptom, step, now, answer, outcome, resolved_number) -> bool:
    """Record an answer in the session ``key`` names, if it has one; return whether it has."""
    values = (answer["number"], answer["result"], answer["reason"], answer["note"], now)
    if current().vendor == "postgresql":
        # One round trip: the session found, its answer upserted, its state, in one statement.
        state = (outcome, resolved_number, now)
        return _IN_SESSION.first(key, symptom.pk, step.pk, *values, *state) is not None
    session = _SESSION_ID.first(key, symptom.pk)
    if session is None:
        return False
    _ANSWER.run(session, step.pk, *values)
    _SESSION_NOW.run(outcome, resolved_number, now, session)
    return True


def _start_with(symptom, step, now, answer, outcome, resolved_number) -> str:
    """Start a session in the active language with its first answer; return its key.

    A new session has no answer to replace: two inserts (one statement on PostgreSQL), its
    outcome set at once.
    """
    key = new_key()
    _NEW_SESSION_AND_ANSWER.run(
        {
            "key": key, "symptom": symptom.pk, "started_at": now, "last_active_at": now,
            "outcome": outcome, "resolved_number": resolved_number,
            "language": recorded_language(),
        },
        {"step": step.pk, "answered_at": now, **answer},
    )  # fmt: skip
    return key


def record_end(*, key: str, symptom: Symptom) -> None:
    """Record that an unresolved session reached the "where to go next" page."""
    if not is_key(key):
        return
    record_safely(
        "the end of a guided fix",
        lambda: FlowSession.objects.filter(key=key, symptom=symptom, outcome=Outcome.OPEN).update(
            outcome=Outcome.ENDED, last_active_at=timezone.now()
        ),
        otherwise=None,
    )


def record_vote(
    *, symptom: Symptom, voter: str, helpful: bool, reason: str, comment: str, version: str
) -> str:
    """Record a browser's "Was this helpful?" on an article, replacing its earlier vote."""
    if not is_key(voter):
        voter = new_key()
    elif not _within_rate_limit(voter):
        return voter
    record_safely(
        "an article vote",
        lambda: ArticleVote.objects.update_or_create(
            symptom=symptom,
            voter=voter,
            defaults={
                "helpful": helpful,
                "reason": "" if helpful else reason,
                "comment": comment,
                "version": version,
                "language": recorded_language(),
                "updated_at": timezone.now(),
            },
        ),
        otherwise=None,
    )
    return voter


@dataclass(frozen=True)
class Purged:
    sessions: int
    answers: int
    votes: int


def retention_cutoff(now: datetime | None = None, days: int | None = None) -> datetime:
    """Return the start of the oldest day whose raw records are still kept."""
    now = now or timezone.now()
    days = settings.OUTCOMES_RETENTION_DAYS if days is None else days
    start_of_today = now.astimezone(timezone.get_current_timezone()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return start_of_today - timedelta(days=days)


def _add_to_tally(model, count: int, **key) -> None:
    if not model.objects.filter(**key).update(count=F("count") + count):
        model.objects.create(count=count, **key)


def _roll_up(rows, tally, day_from: str, **fields: str) -> None:
    """Add ``rows`` up per day and per ``fields`` (tally field: row field) into ``tally``."""
    groups = (
        rows.annotate(day=TruncDate(day_from))
        .values("day", *fields.values())
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in groups:
        key = {name: group[source] for name, source in fields.items()}
        _add_to_tally(tally, group["n"], day=group["day"], **key)


def purge(*, now: datetime | None = None, days: int | None = None) -> Purged:
    """Add raw records older than the retention period up into daily tallies, then delete them.

    Whole days only, so a day is counted either from raw records or from its tally, never both.
    Sessions still open by then count as abandoned.
    """
    cutoff = retention_cutoff(now, days)
    with transaction.atomic():
        sessions = FlowSession.objects.filter(started_at__lt=cutoff)
        final_outcome = session_outcome.final_outcome(idle_since=None)
        _roll_up(
            sessions.annotate(final_outcome=final_outcome, step=Coalesce("resolved_number", 0)),
            SessionTally,
            "started_at",
            language="language",
            symptom_id="symptom_id",
            outcome="final_outcome",
            resolved_number="step",
        )
        _roll_up(
            StepAnswer.objects.filter(session__started_at__lt=cutoff),
            AnswerTally,
            "session__started_at",
            language="session__language",
            symptom_id="session__symptom_id",
            step_id="step_id",
            number="number",
            result="result",
            reason="reason",
        )
        votes = ArticleVote.objects.filter(updated_at__lt=cutoff)
        _roll_up(
            votes,
            VoteTally,
            "updated_at",
            language="language",
            symptom_id="symptom_id",
            version="version",
            helpful="helpful",
            reason="reason",
        )
        _, deleted = sessions.delete()  # answers go with their sessions
        _, deleted_votes = votes.delete()
    return Purged(
        sessions=deleted.get(FlowSession._meta.label, 0),
        answers=deleted.get(StepAnswer._meta.label, 0),
        votes=deleted_votes.get(ArticleVote._meta.label, 0),
    )

"""The home page's listing of each topic's first symptoms: its one query, and its stored copy.

The listing (each topic's first six visible symptoms, less the "Common problems" cards, as one
text column per topic, as the page shows them in its language) was the most of the database's
work for an uncached home page. It is stored per topic and language (``TopicListing``) once
content commits, and the home page reads the stored text while it is provably the one the query
would give: stored under the content version's current token, and before ``until``, the first
time by the database's clock at which a scheduled row could change it. Otherwise (a listing never
stored, a write since, a scheduled symptom's time come) the page works it out live with the same
query, so the stored copy can make the page faster but never different.

``relist()`` stores it: after every commit that changed content (``content_changed`` asks for it,
``relist_later``), on every deploy (``render_content``) and from the cron (``apply_due_changes``,
once a stored listing's ``until`` came).
"""

from __future__ import annotations

import contextlib
import functools
import threading

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connections, transaction
from django.db.models import (
    Case,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    When,
)
from django.db.models.functions import Coalesce, Now
from django.dispatch import receiver

from .language_codes import SOURCE_BASE_CODE
from .models import (
    ContentVersion,
    Status,
    Symptom,
    SymptomTranslation,
    Topic,
    TopicListing,
    live_in_language,
)
from .prepared import Written
from .translating import TRANSLATED

HOME_SYMPTOMS_PER_TOPIC = 6
HOME_COMMON_PROBLEMS = 6  # the featured symptoms shown as cards, the first by position
# Every language a listing is stored in, as ``translating.active_language()`` names them.
LANGUAGES = (SOURCE_BASE_CODE, *sorted(TRANSLATED))

# Databases whose content committed since their listings were last stored, per thread (a
# connection belongs to one thread).
_pending = threading.local()


def card_ids(*, preview: bool):
    """Return the ids of the common problems: the first featured symptoms by position.

    The home page runs this twice in its read (the cards, and the cards left out of the
    listing): the id breaks a tie of position and title, so both runs pick the same six.
    """
    featured = Symptom.objects.in_visible_topic(preview=preview).filter(featured=True)
    return featured.order_by("position", "title", "pk").values("pk")[:HOME_COMMON_PROBLEMS]


class ListedRows(Subquery):
    """The rows a subquery selects (id, slug, title, position) as one text column, in its order.

    A topic's first symptoms come in its own row: reading them by id afterwards was a second
    query, one parameter for each symptom the page lists. SQLite's is a JSON array, whose
    aggregate promises no order: the page sorts them. PostgreSQL's keeps the order (``ORDER
    BY`` inside the aggregate) and spells each row out as ``views.browse`` reads it, which
    costs its backend less than building JSON did (``docs/design.md``, the ninth pass).

    ``shown``: the subquery's slug and title are those the page shows (``shown_slug`` and
    ``shown_title``: a translation's), beside the English ``title``, which still orders the
    rows: SQLite's array then carries it as a fifth value.
    """

    output_field = TextField()
    SQLITE = (
        '(SELECT JSON_GROUP_ARRAY(JSON_ARRAY("id", "slug", "title", "position"))'
        " FROM (%(subquery)s))"
    )
    SQLITE_SHOWN = (
        "(SELECT JSON_GROUP_ARRAY("
        'JSON_ARRAY("id", "shown_slug", "shown_title", "position", "title"))'
        " FROM (%(subquery)s))"
    )
    POSTGRESQL = (
        """(SELECT STRING_AGG(CONCAT("id", ',', LENGTH("slug"), ',', LENGTH("title"), ','"""
        """, "slug", "title"), '' ORDER BY "position", "title")"""
        ' FROM (%(subquery)s) AS "listed")'
    )
    POSTGRESQL_SHOWN = (
        """(SELECT STRING_AGG(CONCAT("id", ',', LENGTH("shown_slug"), ','"""
        """, LENGTH("shown_title"), ',', "shown_slug", "shown_title"), ''"""
        """ ORDER BY "position", "title")"""
        ' FROM (%(subquery)s) AS "listed")'
    )

    def __init__(self, queryset, *, shown: bool = False):
        super().__init__(queryset)
        self.shown = shown

    def as_sql(self, compiler, connection, template=None, **extra):
        template = template or (self.SQLITE_SHOWN if self.shown else self.SQLITE)
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = self.POSTGRESQL_SHOWN if self.shown else self.POSTGRESQL
        return self.as_sql(compiler, connection, template=template, **extra)


def listing(*, language: str, preview: bool, using: str = "default") -> ListedRows:
    """Return the outer query's topic's first symptoms in ``language``, worked out from the rows.

    The one definition of the listing: the home page's live read and the stored copy's
    ``relist()`` both use it, so the stored text is the text the page would read.
    """

    # The cards under "Common problems" are not listed again; other featured symptoms are.
    # They are found in the same statement, so no value of one read goes into another.
    def firsts(topic):
        return (
            Symptom.objects.visible(preview=preview)
            .filter(topic=topic)
            .exclude(pk__in=card_ids(preview=preview))
            .order_by("position", "title")
        )

    translated = language in TRANSLATED
    if translated:
        listed = _translated_listing(firsts, language=language, preview=preview, using=using)
    else:
        listed = firsts(OuterRef("pk")).values("id", "slug", "title", "position")
        listed = listed[:HOME_SYMPTOMS_PER_TOPIC]
    return ListedRows(listed, shown=translated)


def _translated_listing(firsts, *, language: str, preview: bool, using: str):
    """Return a topic's first symptoms as the page shows them in ``language``, for ``ListedRows``.

    Each symptom's visible translation's slug and title, the English where it has none; the
    English title still orders them. ``using``: the database the outer query runs on.
    """
    if connections[using].vendor == "postgresql":
        # The look-ups sit in the limited read itself: PostgreSQL walks the topic's index in
        # order and stops at the sixth, so only those six are looked up, and no symptom is read
        # a second time by its key. A join inside the limited read was planned as a filter over
        # every translation into the language (``docs/design.md``, the twelfth pass).
        shown = (
            SymptomTranslation.objects.in_language(language, preview=preview)
            .filter(source=OuterRef("pk"))
            .order_by()
        )
        return (
            firsts(OuterRef("pk"))
            .annotate(
                shown_slug=Coalesce(Subquery(shown.values("slug")[:1]), "slug"),
                shown_title=Coalesce(Subquery(shown.values("title")[:1]), "title"),
            )
            .values("id", "shown_slug", "shown_title", "position", "title")
        )[:HOME_SYMPTOMS_PER_TOPIC]
    # SQLite: the six are chosen first, then each is joined to its translation, which cost
    # SQLite less than the two subqueries above. No default ordering: its join of the topics'
    # table would take the table's name from the outer query, and the six would be chosen by
    # the wrong topic.
    chosen = firsts(OuterRef(OuterRef("pk"))).values("pk")[:HOME_SYMPTOMS_PER_TOPIC]
    visible = live_in_language(language, "translations__", preview=preview)
    return (
        Symptom.objects.filter(pk__in=chosen)
        .order_by()
        .alias(translation=FilteredRelation("translations", condition=visible))
        .annotate(
            shown_slug=Coalesce("translation__slug", "slug"),
            shown_title=Coalesce("translation__title", "title"),
        )
        .values("id", "shown_slug", "shown_title", "position", "title")
    )


def _token() -> Subquery:
    """The content version's token now (one uncorrelated subquery, run once per statement)."""
    return Subquery(ContentVersion.objects.filter(pk=1).order_by().values("token")[:1])


def with_listing(topics: QuerySet, *, language: str, preview: bool) -> QuerySet:
    """Annotate ``topics`` with ``listed``: their listing in ``language``, stored or live.

    The stored text is read only while it is fresh: stored under the current token, and its
    ``until`` not come by the database's clock (the clock ``live()`` uses). Otherwise, and in
    a preview, the listing is worked out live. Both engines evaluate ``CASE`` lazily: the live
    listing runs only for a topic whose stored one is stale or missing.
    """
    live = listing(language=language, preview=preview, using=topics.db)
    if preview:
        return topics.annotate(listed=live)
    fresh = Q(stored_listing__token=_token()) & (
        Q(stored_listing__until__isnull=True) | Q(stored_listing__until__gt=Now())
    )
    stored = FilteredRelation("listings", condition=Q(listings__language=language))
    return topics.alias(stored_listing=stored).annotate(
        listed=Case(
            When(fresh, then=F("stored_listing__listed")), default=live, output_field=TextField()
        )
    )


def _scheduled() -> dict[str, Subquery]:
    """The first future publication, by the database's clock, of rows that change a listing.

    A symptom's (listed or a card), a topic's (its featured symptoms become cards, left out of
    its listing) and, per translated language, a symptom translation's (its shown slug and
    title). Only published rows: a draft changes nothing until a save, which is a write.
    """
    models = {"symptom": Symptom.objects.all(), "topic": Topic.objects.all()}
    for language in sorted(TRANSLATED):
        models[language] = SymptomTranslation.objects.filter(language=language)
    return {
        f"until_{name}": Subquery(
            rows.filter(status=Status.PUBLISHED, publish_at__gt=Now())
            .order_by("publish_at")
            .values("publish_at")[:1]
        )
        for name, rows in models.items()
    }


def _relist_query(using: str) -> QuerySet:
    """Return every topic's listing in every language, the token and the first scheduled times.

    Never evaluated by the ORM: ``_relist_statement`` takes its SQL into the relist's upsert.
    """
    listed = {
        f"listed_{language}": listing(language=language, preview=False, using=using)
        for language in LANGUAGES
    }
    scheduled = _scheduled()
    return (
        Topic.objects.using(using)
        .order_by("pk")
        .annotate(**listed, current_token=_token(), **scheduled)
        .values_list("pk", "current_token", *listed, *scheduled)
    )


class _Written(Exception):
    """The relist's query was written: raised so that the ORM never runs it on its own."""


@functools.cache
def _relist_statement(using: str, vendor: str) -> Written:
    """Return the relist's one statement for this database, its SQL written once per process.

    The ORM writes the query (``_relist_query``: the listing's one definition, every language's
    a column); the statement stores it, one row per topic and language, in one upsert. The
    query is a common table expression both engines materialise (it is read once per language),
    so each listing is worked out once, and each language's rows
    select its own column: English's ``until`` is the first of the symptoms' and topics'
    scheduled times, a translated language's also its translations'. Every value is a
    parameter or a name from the models, quoted; ``vendor`` keys it with the SQL's dialect.
    """
    database = connections[using]
    written = []

    def capture(execute, sql, params, many, context):
        written.append((sql, list(params or ())))
        raise _Written

    query = _relist_query(using)  # built first: only its own statement is captured
    with database.cursor():  # connected first: what runs as a connection opens is not this
        pass
    with database.execute_wrapper(capture), contextlib.suppress(_Written):
        list(query)
    ((select, params),) = written
    if not select.lstrip().upper().startswith("SELECT"):
        raise ImproperlyConfigured(f"The relist's query was written as {select[:40]!r}")

    quote = database.ops.quote_name
    meta = TopicListing._meta
    column = {name: quote(meta.get_field(name).column) for name in ("topic", "language")}
    column |= {name: quote(name) for name in ("listed", "token", "until")}
    names = ["topic", "token", *(f"listed_{code}" for code in LANGUAGES), "symptom", "topic_at"]
    names += [f"until_{code}" for code in LANGUAGES[1:]]
    # SQLite's MIN() of several values is null where one is, PostgreSQL's LEAST() skips nulls:
    # the least of each value coalesced with the others is the first time on both.
    least = "MIN" if vendor == "sqlite" else "LEAST"

    def first(times: list[str]) -> str:
        turns = [", ".join(times[n:] + times[:n]) for n in range(len(times))]
        return f"{least}({', '.join(f'COALESCE({turn})' for turn in turns)})"

    rows = []
    for code in LANGUAGES:
        times = ["symptom", "topic_at"] + ([f"until_{code}"] if code != LANGUAGES[0] else [])
        rows.append(
            f"SELECT topic, %s, listed_{code}, token, {first(times)} FROM relisted WHERE true"  # noqa: S608
        )
    updated = ("listed", "token", "until")
    # One statement, an INSERT from its first word (SQLite's driver counts the rows written only
    # then). SQLite reads ``ON CONFLICT`` after ``WHERE`` as the upsert's, not a join's.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(column.values())})"
        f" WITH relisted ({', '.join(names)}) AS ({select})"
        f" {' UNION ALL '.join(rows)}"
        f" ON CONFLICT ({column['topic']}, {column['language']}) DO UPDATE SET"
        f" {', '.join(f'{column[name]} = excluded.{column[name]}' for name in updated)}"
    )
    return Written(sql, [*params, *LANGUAGES])


@receiver(setting_changed)
def _forget_relist_statement(**kwargs) -> None:
    """Write the relist's statement afresh after a test changes a setting (its databases)."""
    _relist_statement.cache_clear()


def relist(*, using: str = "default") -> int:
    """Store every topic's listing in every language as of the content now; return the rows.

    In one transaction that first locks the content version's row: a writer changes its token
    (``content_changed``) inside its own transaction, so none can commit a new token between
    this read and this write, and a stored token always names the content its listing was
    worked out from. A writer that wrote rows but not yet the token waits, then makes these
    listings stale with its new token. Django's public API locks a row for update only, not
    for share (``select_for_update(no_key=True)``): two relists then wait for each other too,
    as they would for their rows. SQLite ignores the lock: its writers take turns anyway
    (``BEGIN IMMEDIATE``).

    Every language's listings, the token and the scheduled times come from one statement, which
    also stores them: one snapshot. Never changes the content version (``content_changed`` asks
    for a relist).
    """
    statement = _relist_statement(using, connections[using].vendor)
    with transaction.atomic(using=using):
        version = ContentVersion.objects.using(using).select_for_update(no_key=True)
        if not list(version.filter(pk=1).values_list("pk", flat=True)):
            return 0  # no content saved yet: no token a listing could be stored under
        return statement.run(using=using)


def relist_later(*, using: str = "default") -> None:
    """Store the listings again once the current transaction commits (now, outside one)."""
    _pending.__dict__[using] = True
    # One callback per call: the first to run relists, the rest find nothing pending. A rolled
    # back transaction's stays pending, relisted with the next commit: relisting is always right.
    transaction.on_commit(lambda: _relist_pending(using), using=using, robust=True)


def _relist_pending(using: str) -> None:
    if _pending.__dict__.pop(using, False):
        relist(using=using)


def relist_if_stale(*, using: str = "default") -> bool:
    """Store the listings again if any is stale (its ``until`` came, or an old token); say so.

    A page reads a stale listing live, correctly but at the old cost: the cron makes it again.
    """
    listings = TopicListing.objects.using(using)
    stale = listings.filter(Q(until__lte=Now()) | ~Q(token=_token()))
    if not stale.exists() and listings.exists():
        return False
    return relist(using=using) > 0

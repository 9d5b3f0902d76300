"""Public reads whose SQL the ORM writes once per process, then run with each request's values.

A public page's few queries are built by the ORM (``live()``, joins, subqueries: each rule has
one definition), and building and compiling them cost more CPU than the database spends answering
them: the home page's topics query compiled in 1.2 ms. A ``Prepared`` read builds its queryset
once per database, language and shape, with a stand-in for each value that changes between
requests. It takes the SQL the ORM sends through Django's documented ``connection.execute_wrapper``
hook, on its way to the database, where it runs with the first call's values in the stand-ins'
places. From then on it runs that SQL through a cursor with each call's values in those places.

- Values are integers and strings (or lists of them, one statement per length and item types),
  which the ORM sends to the database as they are. A stand-in the ORM changed, or sent twice, or
  also put inside another parameter or the SQL text (``startswith`` sends ``word%``), or a read
  of more than one statement, is refused: that read is then left to the ORM on every call.
- Rows are as the database driver returns them, so a read selects columns that need no
  conversion: text and integers (a boolean is 0 or 1 on SQLite, true or false on PostgreSQL).
  The first call's rows are the ORM's, converted: a boolean is True there where later calls give
  the driver's 1 on SQLite. The tests hold each read's rows equal to its queryset's, on both
  databases.
- On PostgreSQL the SQL is also prepared once in each database session (``PREPARE``), then run
  as ``EXECUTE`` with the call's values: the server plans it once, not on every request.
- An editor's preview is built and run by the ORM each time (drafts, never kept).
- ``instance()`` makes a model instance of part of a row, for a page whose templates or
  translations need one: Django's documented ``Model.from_db()``, the other fields deferred.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
import weakref
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.models import DEFERRED
from django.utils.translation import get_language

# A read the ORM must run itself each time (its stand-ins did not come through unchanged).
_BY_THE_ORM = object()
# A read that runs no SQL at all for values of this shape (an empty list matches nothing).
_NOTHING = object()


class Prepared:
    """A read built by ``build(preview=..., **values)``, a ``values_list()`` queryset.

    ``rows(**values)`` returns its rows as tuples; ``dicts(**values)`` as dictionaries keyed by
    ``columns``, the names the queryset selects, in its order.
    """

    def __init__(self, build: Callable, columns: tuple[str, ...] = ()):
        self.build = build
        self.columns = columns
        self._statements: dict[tuple, object] = {}
        _every.append(self)

    def rows(self, *, preview: bool = False, **values) -> list[tuple]:
        """Return the rows for ``values``; in ``preview``, as the ORM reads drafts."""
        if preview:
            return list(self.build(preview=True, **values))
        # The default connection looked up once: each use of ``connection`` looks it up again.
        db = connections[DEFAULT_DB_ALIAS]
        key = (db.alias, db.vendor, get_language(), _shape(values))
        statement = self._statements.get(key)
        if statement is None:
            # Two threads may both write it: the same statement, and either is kept.
            statement, rows = self._write(values)
            self._statements[key] = statement
            return rows
        if statement is _BY_THE_ORM:
            return list(self.build(preview=False, **values))
        if statement is _NOTHING:
            return []
        sql, params, places, server, names = statement
        params = _filled(params, places, values)
        if server is not None and _prepared_in_session(server):
            try:
                return _run(db, server.execute, params)
            except DatabaseError as error:
                if not _lost(error, server):
                    raise
        return _run(db, sql, dict(zip(names, params, strict=True)) if names else params)

    def dicts(self, *, preview: bool = False, **values) -> list[dict]:
        """Return the rows for ``values`` as dictionaries keyed by ``columns``."""
        columns = self.columns
        rows = self.rows(preview=preview, **values)
        return [dict(zip(columns, row, strict=True)) for row in rows]

    def forget(self) -> None:
        """Write every statement again on its next use."""
        self._statements.clear()

    def _write(self, values: dict) -> tuple[object, list]:
        """Return (the statement for values of this shape, the rows for ``values``).

        The statement is (SQL, its parameters, the places of the values in them). The queryset
        is built with stand-ins and run once, with ``values`` put in their places on its way to
        the database: the rows are the ORM's, and a query log sees one query, as later.
        """
        stand_ins = _stand_ins(values)
        queryset = self.build(preview=False, **stand_ins)
        written = []

        def capture(execute, sql, params, many, context):
            if written:
                raise ImproperlyConfigured(f"{self.build.__name__} reads in more than one query")
            params = list(params or ())
            every = _flat(stand_ins)
            places = [_place(sql, params, stand_in, every) for stand_in in every]
            written.append((sql, params, places))
            if None in places:
                return execute(sql, params, many, context)  # stand-ins read nothing; run again
            return execute(sql, _filled(params, places, values), many, context)

        # Connected first: what runs as a connection opens (PostgreSQL's type look-ups, a
        # receiver of ``connection_created``) is not the read's statement.
        with connection.cursor():
            pass
        with connection.execute_wrapper(capture):
            rows = list(queryset)
        if rows and not isinstance(rows[0], tuple):
            raise ImproperlyConfigured(f"{self.build.__name__} must read values_list() rows")
        if not written:
            return _NOTHING, rows
        sql, params, places = written[0]
        if None in places:
            return _BY_THE_ORM, list(self.build(preview=False, **values))
        if connection.vendor == "sqlite" and params:
            named, names = _named(sql, len(params))
            return (named, params, places, None, names), rows
        return (sql, params, places, _on_server(sql, params), None), rows


_every: list[Prepared] = []


class Written:
    """A statement whose SQL and parameters its caller wrote once: no value changes between runs.

    Run as a prepared read's statement is: on PostgreSQL prepared once in each database session
    (``_on_server``), then ``EXECUTE``; on SQLite with its parameters named (``_named``). Another
    database alias than the default's runs the SQL as written.
    """

    def __init__(self, sql: str, params: list):
        self.sql = sql
        self.params = list(params)
        self._named = _named(sql, len(self.params)) if self.params else (sql, ())

    def run(self, *, using: str = DEFAULT_DB_ALIAS) -> int:
        """Run the statement; return the rows it wrote or read, as the cursor counts them."""
        if using != DEFAULT_DB_ALIAS:
            return _count(connections[using], self.sql, self.params)
        if connection.vendor == "sqlite":
            sql, names = self._named
            return _count(connection, sql, dict(zip(names, self.params, strict=True)))
        # Worked out on each run, as the connection is set now: a few µs of a relist's ms.
        server = _on_server(self.sql, self.params)
        if server is not None and _prepared_in_session(server):
            try:
                # In a savepoint: where the session lost the statement (a pooler reset it), the
                # caller's transaction is not spoiled, and the statement runs as written.
                with transaction.atomic():
                    return _count(connection, server.execute, self.params)
            except DatabaseError as error:
                if getattr(error.__cause__, "sqlstate", None) != "26000":
                    raise
                _switch_off(error)
        return _count(connection, self.sql, self.params)


def _count(database, sql: str, params: list | dict) -> int:
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# Where Django logs the SQL it sends: a statement prepared is logged there once, in full.
logger = logging.getLogger("django.db.backends")


class _ServerStatement(NamedTuple):
    """A read's statement as PostgreSQL keeps it in a session: prepared once, then executed."""

    name: str
    prepare: str
    execute: str


# The type each parameter of a statement prepared on PostgreSQL is declared with. A string's is
# found from where it stands, as a quoted literal's is (a slug's column, a JSON key); an integer
# is a bigint, the widest an id may be; PostgreSQL's small integers keep their type.
_DECLARED = {"Int2": "smallint", "Int4": "integer", "Int8": "bigint", "int": "bigint"}
_PLACEHOLDER = re.compile("%[s%]")
# The statements prepared in each database session, by its driver's connection: a connection
# made again (after an error, or when it grew old) is a new session, which prepares them anew.
_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Statements PostgreSQL would not prepare (a parameter it cannot type): they run as written.
_refused: set[str] = set()
# Set once PostgreSQL shows this process's sessions are shared or reset (``_switch_off``).
_switched_off = False
# The SQL of each statement, by its name: a query log shows ``EXECUTE read_…(…)``.
_sql_by_name: dict[str, str] = {}


def _on_server(sql: str, params: list) -> _ServerStatement | None:
    """Return how PostgreSQL keeps the read's statement, or None to send it whole each time.

    Planning costs the database more than running a page's small reads, and on PostgreSQL it
    happens for every statement sent whole: a prepared statement is planned once in a session.
    The SQL is PostgreSQL's own: ``PREPARE`` once, as the session's set-up, then ``EXECUTE``
    through Django's cursor, so a query log sees each read and the driver's settings stay as
    they are. A pooler that shares sessions between clients (PgBouncer's transaction mode)
    loses them: switch them off there (``DB_PREPARED_STATEMENTS``).
    """
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        return None
    lasting = connection.settings_dict.get("CONN_MAX_AGE") != 0
    if not lasting and not connection.settings_dict.get("OPTIONS", {}).get("pool"):
        return None  # a connection per request: a statement would be prepared to run once
    declared = []
    for param in params:
        kind = _declared(param)
        if kind is None:
            return None  # a value PostgreSQL would type from its driver's conversion: not here
        declared.append(kind)
    numbers = iter(range(1, len(params) + 1))
    text = _PLACEHOLDER.sub(lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)
    types = f"({', '.join(declared)})" if declared else ""
    name = "read_" + hashlib.blake2b(f"{types} {text}".encode(), digest_size=10).hexdigest()
    values = f"({', '.join(['%s'] * len(params))})" if params else ""
    _sql_by_name[name] = sql
    return _ServerStatement(name, f"PREPARE {name}{types} AS {text}", f"EXECUTE {name}{values}")


def _named(sql: str, count: int) -> tuple[str, tuple[str, ...]]:
    """Return the SQL with its ``count`` parameters named (``%(p0)s``), and their names.

    Django's SQLite backend rewrites ``%s`` placeholders into SQLite's ``?`` with a regular
    expression on every execute: about 80 µs for a step page's 2.5 KB read, a third of its time.
    Named ones it fills with Python's ``%`` operator (its documented ``pyformat`` style), which
    costs a few microseconds; ``%%`` means ``%`` in both.
    """
    names = tuple(f"p{number}" for number in range(count))
    numbers = iter(names)
    named = _PLACEHOLDER.sub(lambda m: "%%" if m[0] == "%%" else f"%({next(numbers)})s", sql)
    return named, names


def _run(db, sql: str, params: list | dict) -> list[tuple]:
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _lost(error: DatabaseError, server: _ServerStatement) -> bool:
    """Return whether the read may run as written after its ``EXECUTE`` failed with ``error``.

    A statement missing from the session (a pooler gave the client another session, or reset
    it) switches preparing off. One whose plan no longer fits a column it returns (a migration
    run while this process serves: "cached plan must not change result type") is dropped, to
    be prepared afresh. Outside a transaction the read then runs as written and the page is
    answered; inside one the error has spoiled it, and reaches the caller as any other would.
    """
    state = getattr(error.__cause__, "sqlstate", None)
    if state not in ("26000", "0A000"):
        return False
    if state == "26000":
        _switch_off(error)
    if not transaction.get_autocommit():
        return False
    if state == "0A000":
        connection.connection.execute(f"DEALLOCATE {server.name}")
        _sessions.get(connection.connection, set()).discard(server.name)
    return True


def logged_sql(sql: str) -> str:
    """Return the SQL a query log's statement ran: a prepared read's own, for its ``EXECUTE``."""
    if sql.startswith("EXECUTE read_"):
        return _sql_by_name.get(sql[len("EXECUTE ") :].partition("(")[0], sql)
    return sql


def _declared(param) -> str | None:
    """Return the type a prepared statement's parameter is declared with, None if not known."""
    if isinstance(param, bool):
        return "boolean"
    if isinstance(param, str):
        return "unknown"
    if isinstance(param, list) and param and all(isinstance(item, str) for item in param):
        return "text[]"  # a JSON path: ["en-gb", "article"]
    return _DECLARED.get(type(param).__name__)


def _prepared_in_session(server: _ServerStatement) -> bool:
    """Return whether ``server`` is prepared in this connection's session, preparing it once."""
    if _switched_off or server.name in _refused:
        return False
    connection.ensure_connection()
    raw = connection.connection
    names = _sessions.get(raw)
    if names is not None and server.name in names:
        return True
    from psycopg import Error, pq

    if raw.info.transaction_status == pq.TransactionStatus.INERROR:
        return False  # the transaction failed already: the read fails as it would have
    # Preparing is the session's set-up, as Django's own on connecting, not one of the reads:
    # sent through the driver's connection, alone outside a transaction, in a savepoint inside
    # one, so that a refusal spoils nothing the read is part of.
    try:
        with contextlib.nullcontext() if raw.autocommit else raw.transaction():
            raw.execute(server.prepare)
    except Error as error:
        if error.sqlstate == "42P05":  # one of that name exists: a session shared (a pooler)
            _switch_off(error)
        elif (error.sqlstate or "").startswith("42"):  # this statement's own: types, syntax
            _refused.add(server.name)
        return False  # anything else (a lost connection, a timeout): this read, as written
    if names is None:
        names = _sessions[raw] = set()
    names.add(server.name)
    logger.debug("(prepared) PREPARE %s AS %s", server.name, _sql_by_name.get(server.name))
    return True


def _switch_off(error) -> None:
    """Send every read whole from now on: this process's sessions are shared, or discarded."""
    global _switched_off
    if not _switched_off:
        _switched_off = True
        logger.warning(
            "PostgreSQL's prepared statements are off in this process (%s). A pooler that "
            "shares sessions between clients needs DJANGO_DB_PREPARED_STATEMENTS=0.",
            error,
        )


class Instances:
    """Build ``model`` instances from rows of a prepared read, as the ORM does (``Model.from_db``).

    ``names`` are the fields' attribute names (``topic_id``), in the rows' order; the model's
    other fields are deferred. Only fields whose driver values are their Python values, or
    booleans (0 or 1 on SQLite), are taken: a date, a decimal or JSON would need converting.
    """

    PLAIN = (models.CharField, models.TextField, models.IntegerField, models.AutoField)

    def __init__(self, model, names: tuple[str, ...]):
        # The fields with a column of the model's table, in the order from_db() takes them.
        fields = list(model._meta.concrete_fields)
        by_name = {field.attname: field for field in fields}
        for name in names:
            field = by_name.get(name)
            if not isinstance(field, (*self.PLAIN, models.BooleanField, models.ForeignKey)):
                raise ImproperlyConfigured(f"{model.__name__}.{name} is not a plain column")
        self.model = model
        self.names = names
        # from_db() takes a value for each of the model's fields, in their order, DEFERRED for
        # one not read: given all of them, it need not look each field up among the names.
        self._places = [fields.index(by_name[name]) for name in names]
        self._deferred = [DEFERRED] * len(fields)
        self._booleans = [
            n for n, name in enumerate(names) if isinstance(by_name[name], models.BooleanField)
        ]
        # The names read, in the model's order: what from_db() is told was loaded.
        self._loaded = [field.attname for field in fields if field.attname in names]

    def __call__(self, values) -> models.Model:
        """Return the instance of one row's ``values`` (those of ``names``, in their order)."""
        if self._booleans:
            values = list(values)
            for n in self._booleans:
                values[n] = None if values[n] is None else bool(values[n])
        every = self._deferred.copy()
        for place, value in zip(self._places, values, strict=True):
            every[place] = value
        # The reads run on ``connection``, the default database's.
        return self.model.from_db(DEFAULT_DB_ALIAS, self._loaded, every)


def _place(sql: str, params: list, stand_in, every: list) -> tuple[int, type] | None:
    """Return where ``stand_in`` is among the parameters and its type there, if there once.

    The database backend may send a value in a type of its own (PostgreSQL's a small integer
    column's as ``Int2``): a call's value is put in that type too. A stand-in also found inside
    another parameter (``word%``) or in the SQL text would keep the first call's value there,
    so it has no place: only one copy could be filled.
    """
    found = [n for n, p in enumerate(params) if isinstance(p, type(stand_in)) and p == stand_in]
    text = str(stand_in)
    inside = text in sql or any(isinstance(p, str) and p not in every and text in p for p in params)
    return (found[0], type(params[found[0]])) if len(found) == 1 and not inside else None


def _filled(params: list, places: list, values: dict) -> list:
    """Return the parameters with the values in their places, each in the type found there."""
    filled = params.copy()
    for (place, kind), value in zip(places, _flat(values), strict=True):
        filled[place] = value if type(value) is kind else kind(value)
    return filled


def _flat(values: dict) -> list:
    """Return the values in a fixed order, lists spread out."""
    flat = []
    for name in sorted(values):
        value = values[name]
        flat.extend(value if isinstance(value, list | tuple) else (value,))
    return flat


def _shape(values: dict) -> tuple:
    """Return what of the values changes the SQL: names, types, lists' lengths and item types."""
    # A list of strings may build other SQL than one of integers (a slug's column, not a pk's).
    return tuple(
        (name, tuple(type(item) for item in value))
        if isinstance(value, list | tuple)
        else (name, type(value))
        for name, value in sorted(values.items())
    )


def _stand_in(value, taken: set):
    """Return a value of ``value``'s type unlike the read's other values.

    An integer stays in the smallest range a column may hold (a small integer's): the ORM drops
    a comparison with a number its column can't hold. Should another parameter happen to equal
    it, the read is left to the ORM (``_place``), never run with the wrong value.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"A prepared read takes integers and strings, not {type(value).__name__}")
    while True:
        if isinstance(value, int):
            stand_in = 10_000 + secrets.randbelow(22_000)
        else:
            stand_in = f"\x1f{secrets.token_hex(8)}"
        if stand_in not in taken:
            taken.add(stand_in)
            return stand_in


def _stand_ins(values: dict) -> dict:
    taken = set()
    return {
        name: [_stand_in(item, taken) for item in value]
        if isinstance(value, list | tuple)
        else _stand_in(value, taken)
        for name, value in values.items()
    }


def forget_all(*, setting: str = "", **kwargs) -> None:
    """Write every read's statements again when a setting their SQL depends on changed."""
    if setting in ("DATABASES", "USE_TZ", "TIME_ZONE", "DB_PREPARED_STATEMENTS"):
        for prepared in _every:
            prepared.forget()


setting_changed.connect(forget_all, dispatch_uid="prepared-reads")

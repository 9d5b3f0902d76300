"""Statements about outcome rows with their SQL written once, for the writes every answer makes.

The ORM builds a model instance, sends its save signals and builds and compiles its SQL afresh
for every row it saves, reads or updates: for an answer's two or three statements that was
about as much CPU as the rest of the answer's view. These write their SQL once per database
vendor and only fill in the values, each through its field's ``get_db_prep_save``, as the ORM's
own statements do, so the database gets the same values. What they skip, the save signals,
nothing listens to for these rows (a test holds that).

Each run looks the connection up once (``connections[alias]``) and hands that to every field and
cursor: the module's ``connection`` is a proxy that finds the thread's connection again on every
attribute, and preparing a row's values through it looked it up about twenty times.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models


def current():
    """Return the thread's default connection itself, not the proxy that looks it up each time."""
    return connections[DEFAULT_DB_ALIAS]


def written(statements: dict[str, str], write, connection=None) -> str:
    """Return the statement for this connection's database, ``write`` it the first time.

    ``write(vendor, quote)`` writes it, quoting names as the database does.
    """
    connection = connection or current()
    vendor = connection.vendor
    statement = statements.get(vendor)
    if statement is None:
        statement = statements[vendor] = write(vendor, connection.ops.quote_name)
    return statement


def _made_on_save(field) -> bool:
    """Return whether a field's value is made when a row is saved, not given or defaulted."""
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return automatic or field.db_default is not models.NOT_PROVIDED


class Insert:
    """An INSERT of one row of ``model``: every concrete column but the automatic primary key.

    A field not given takes its default, as a new instance's would: the stored row is the one
    ``objects.create()`` would store.
    """

    def __init__(self, model):
        self.model = model
        self._fields: list | None = None
        self._names: frozenset[str] = frozenset()
        self._statements: dict[str, str] = {}

    def fields(self) -> list:
        """Return the fields the statement sets, in its order (read once the models are ready)."""
        if self._fields is None:
            meta = self.model._meta
            fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
            # Values made at save time (auto_now, a database default) need the ORM's save.
            made = [field.name for field in fields if _made_on_save(field)]
            if made:
                raise ImproperlyConfigured(
                    f"{self.model.__name__}.{', '.join(made)} can't be inserted here: use create()"
                )
            self._names = frozenset(field.name for field in fields)
            # Set last: another thread sees the fields only with their names.
            self._fields = fields
        return self._fields

    def _statement(self, connection) -> str:
        return written(self._statements, self._write, connection)

    def _write(self, vendor: str, quote) -> str:
        meta = self.model._meta
        fields = self.fields()
        columns = ", ".join(quote(field.column) for field in fields)
        places = ", ".join(["%s"] * len(fields))
        # Names from the model, quoted; every value is a parameter.
        statement = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({places})"  # noqa: S608
        if vendor != "sqlite":  # SQLite's cursor says the new id (lastrowid) without asking
            statement += f" RETURNING {quote(meta.pk.column)}"
        return statement

    def values(self, connection, values: dict, *, without: str = "") -> list:
        """Return a row's values by field name (defaults for the rest) as the database takes them.

        ``without`` names a field left out, whose value the statement gives itself.
        """
        fields = self.fields()  # first: it reads the names
        unknown = values.keys() - self._names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {', '.join(sorted(unknown))}")
        return [
            field.get_db_prep_save(
                values[field.name] if field.name in values else field.get_default(), connection
            )
            for field in fields
            if field.name != without
        ]

    def run(self, **values) -> int:
        """Insert a row of these values by field name (defaults for the rest); return its id."""
        connection = current()
        params = self.values(connection, values)
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), params)
            if connection.vendor == "sqlite":
                return cursor.lastrowid
            (pk,) = cursor.fetchone()
            return pk


class InsertWith:
    """A row of ``parent`` and a row of ``child`` whose ``link`` refers to it, in that order.

    Where the database takes an INSERT inside a WITH (PostgreSQL), both go in one statement, one
    round trip to the database server instead of two; elsewhere (SQLite takes none) they are
    ``parent`` then ``child``. Either way the rows are the two inserts' own.
    """

    def __init__(self, parent: Insert, child: Insert, link: str):
        self.parent = parent
        self.child = child
        self.link = link
        self._statements: dict[str, str] = {}

    def _write(self, vendor: str, quote) -> str:
        parent, child = self.parent.model._meta, self.child.model._meta
        fields = self.child.fields()
        # The link's value is the new parent's id, which the parent's INSERT returns.
        new_id = f"(SELECT {quote(parent.pk.column)} FROM {quote('parent')})"  # noqa: S608
        places = ", ".join(new_id if field.name == self.link else "%s" for field in fields)
        columns = ", ".join(quote(field.column) for field in fields)
        link = quote(child.get_field(self.link).column)
        # Names from the models, quoted; every value is a parameter. The child's values stay in
        # VALUES, where each takes its column's type as in a plain INSERT.
        first = self.parent._write(vendor, quote)
        second = f"INSERT INTO {quote(child.db_table)} ({columns}) VALUES ({places})"  # noqa: S608
        return f"WITH {quote('parent')} AS ({first}) {second} RETURNING {link}"

    def run(self, parent: dict, child: dict) -> int:
        """Insert the parent's row, then the child's, by field name; return the parent's id."""
        connection = current()
        if connection.vendor != "postgresql":
            pk = self.parent.run(**parent)
            self.child.run(**{**child, self.link: pk})
            return pk
        params = self.parent.values(connection, parent)
        params += self.child.values(connection, child, without=self.link)
        with connection.cursor() as cursor:
            cursor.execute(written(self._statements, self._write, connection), params)
            (pk,) = cursor.fetchone()
            return pk


class Statement:
    """A statement about ``model``'s rows, written from ``template`` once per database.

    The template names the table ``{table}``, the primary key ``{pk}`` and every column by its
    field's name (``{symptom}`` is ``symptom_id``), each quoted as the database quotes names;
    ``params`` names the field each ``%s`` stands for, whose ``get_db_prep_save`` prepares it.
    ``others`` gives other models a name: ``{answer.table}``, ``{answer.step}`` in the template,
    ``"answer.step"`` in ``params``.
    """

    def __init__(self, model, template: str, params: tuple[str, ...], others: dict | None = None):
        self.model = model
        self.template = template
        self.params = params
        self.others = others or {}
        self._fields: list | None = None
        self._statements: dict[str, str] = {}

    def _statement(self, connection) -> str:
        return written(self._statements, self._write, connection)

    def _write(self, vendor: str, quote) -> str:
        def names(model) -> dict:
            meta = model._meta
            columns = {field.name: quote(field.column) for field in meta.concrete_fields}
            return {**columns, "table": quote(meta.db_table), "pk": quote(meta.pk.column)}

        others = {name: SimpleNamespace(**names(model)) for name, model in self.others.items()}
        return self.template.format(**names(self.model), **others)

    def _field(self, name: str):
        model, _, field = name.rpartition(".")
        return (self.others[model] if model else self.model)._meta.get_field(field)

    def _prepared(self, connection, values: tuple) -> list:
        """Return ``values`` as the database takes them, each through its field."""
        if self._fields is None:
            self._fields = [self._field(name) for name in self.params]
        if len(values) != len(self._fields):
            raise TypeError(f"{len(self._fields)} values expected, {len(values)} given")
        return [
            field.get_db_prep_save(value, connection)
            for field, value in zip(self._fields, values, strict=True)
        ]

    def first(self, *values):
        """Run the statement with ``values``; return its first row's first column, or None."""
        connection = current()
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), self._prepared(connection, values))
            row = cursor.fetchone()
        return None if row is None else row[0]

    def run(self, *values) -> int:
        """Run the statement with ``values``; return the number of rows it wrote."""
        connection = current()
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection), self._prepared(connection, values))
            return cursor.rowcount

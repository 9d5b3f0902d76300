"""Statements about outcome rows with their SQL written once, for the writes every answer makes.

The ORM builds a model instance, sends its save signals and builds and compiles its SQL afresh
for every row it saves, reads or updates: for an answer's two or three statements that was
about as much CPU as the rest of the answer's view. These write their SQL once per database
vendor and only fill in the values, each through its field's ``get_db_prep_save``, as the ORM's
own statements do, so the database gets the same values. What they skip, the save signals,
nothing listens to for these rows (a test holds that).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models


def written(statements: dict[str, str], write) -> str:
    """Return the statement for this connection's database, ``write`` it the first time.

    ``write(vendor, quote)`` writes it, quoting names as the database does.
    """
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

    def _statement(self) -> str:
        return written(self._statements, self._write)

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

    def run(self, **values) -> int:
        """Insert a row of these values by field name (defaults for the rest); return its id."""
        fields = self.fields()
        unknown = values.keys() - self._names
        if unknown:
            raise TypeError(f"{self.model.__name__} has no field {', '.join(sorted(unknown))}")
        params = [
            field.get_db_prep_save(
                values[field.name] if field.name in values else field.get_default(), connection
            )
            for field in fields
        ]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(), params)
            if connection.vendor == "sqlite":
                return cursor.lastrowid
            (pk,) = cursor.fetchone()
            return pk


class Statement:
    """A statement about ``model``'s rows, written from ``template`` once per database.

    The template names the table ``{table}``, the primary key ``{pk}`` and every column by its
    field's name (``{symptom}`` is ``symptom_id``), each quoted as the database quotes names;
    ``params`` names the field each ``%s`` stands for, whose ``get_db_prep_save`` prepares it.
    """

    def __init__(self, model, template: str, params: tuple[str, ...]):
        self.model = model
        self.template = template
        self.params = params
        self._fields: list | None = None
        self._statements: dict[str, str] = {}

    def _statement(self) -> str:
        return written(self._statements, self._write)

    def _write(self, vendor: str, quote) -> str:
        meta = self.model._meta
        names = {field.name: quote(field.column) for field in meta.concrete_fields}
        return self.template.format(table=quote(meta.db_table), pk=quote(meta.pk.column), **names)

    def _prepared(self, values: tuple) -> list:
        """Return ``values`` as the database takes them, each through its field."""
        if self._fields is None:
            self._fields = [self.model._meta.get_field(name) for name in self.params]
        if len(values) != len(self._fields):
            raise TypeError(f"{len(self._fields)} values expected, {len(values)} given")
        return [
            field.get_db_prep_save(value, connection)
            for field, value in zip(self._fields, values, strict=True)
        ]

    def first(self, *values):
        """Run the statement with ``values``; return its first row's first column, or None."""
        with connection.cursor() as cursor:
            cursor.execute(self._statement(), self._prepared(values))
            row = cursor.fetchone()
        return None if row is None else row[0]

    def run(self, *values) -> int:
        """Run the statement with ``values``; return the number of rows it wrote."""
        with connection.cursor() as cursor:
            cursor.execute(self._statement(), self._prepared(values))
            return cursor.rowcount

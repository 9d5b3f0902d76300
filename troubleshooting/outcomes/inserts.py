"""Inserts of outcome rows with their SQL written once, for the writes every answer makes.

The ORM builds a model instance, sends its save signals and builds and compiles an INSERT
afresh for every row it saves: for the two rows a new session's answer writes, that was about
as much CPU as the rest of the answer's view. An ``Insert`` writes its statement once per
database vendor and only fills in the values, each through its field's ``get_db_prep_save``,
as the ORM's own inserts do, a field not given taking its default as a new instance would. So
the stored row is the one ``objects.create()`` would store. What it skips, the save signals,
nothing listens to for these rows (a test holds that).
"""

from __future__ import annotations

from django.db import connection


class Insert:
    """An INSERT of one row of ``model``: every concrete column but the automatic primary key."""

    def __init__(self, model):
        self.model = model
        self._fields: list | None = None
        self._names: frozenset[str] = frozenset()
        self._statements: dict[str, str] = {}

    def fields(self) -> list:
        """Return the fields the statement sets, in its order (read once the models are ready)."""
        if self._fields is None:
            meta = self.model._meta
            self._fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
            self._names = frozenset(field.name for field in self._fields)
        return self._fields

    def _statement(self) -> str:
        """Return the statement for this connection's database, written the first time."""
        vendor = connection.vendor
        statement = self._statements.get(vendor)
        if statement is None:
            quote = connection.ops.quote_name
            meta = self.model._meta
            fields = self.fields()
            columns = ", ".join(quote(field.column) for field in fields)
            places = ", ".join(["%s"] * len(fields))
            # Names from the model, quoted; every value is a parameter.
            statement = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({places})"  # noqa: S608
            if vendor != "sqlite":  # SQLite's cursor says the new id (lastrowid) without asking
                statement += f" RETURNING {quote(meta.pk.column)}"
            self._statements[vendor] = statement
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

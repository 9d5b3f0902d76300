"""PostgreSQL for the tests: the site's backend, emptying tables with DELETE, not TRUNCATE.

pytest-django empties every table after each test that commits (every browser test, every
`transaction=True` test). TRUNCATE gives each of the fifty tables and their indexes new files on
disk, 0.3 to 1 s a flush; deleting the few hundred rows a test leaves takes about 20 ms. What the
tests see is the same: empty tables. Nothing else differs from the backend production runs
(``troubleshooting/postgresql/``, Django's own with its connection check made cheaper).
"""

from django.db.backends.postgresql import operations

from troubleshooting.postgresql import base


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        """Return DELETE statements for the tables; TRUNCATE where it must restart or cascade."""
        if not tables or reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, and the flush runs in one
        # transaction: the tables may be emptied in any order, checked together at the commit.
        return [
            f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

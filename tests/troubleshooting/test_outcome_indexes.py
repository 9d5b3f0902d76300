"""What every answer writes: no index on the outcome tables that another one already gives."""

import pytest
from django.db import connection

from troubleshooting.models import FlowSession, StepAnswer

pytestmark = pytest.mark.django_db


def _partial(table: str) -> set[str]:
    """Return the names of the table's indexes the database keeps only where a condition holds."""
    if connection.vendor == "postgresql":
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
    else:
        sql = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [table])
        return {name for name, definition in cursor.fetchall() if " WHERE " in (definition or "")}


def _indexes(model) -> dict[str, tuple[list[str], bool]]:
    """Each index of the model's table (unique constraints too): its columns, whether partial."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    partial = _partial(model._meta.db_table)
    return {
        name: (details["columns"], name in partial)
        for name, details in found.items()
        if details["index"] or details["unique"]
        if not details["primary_key"]
        # PostgreSQL's copy of a unique text column for LIKE (the session key's): Django's own.
        if not name.endswith("_like")
    }


@pytest.mark.parametrize("model", [FlowSession, StepAnswer])
def test_no_index_repeats_the_leading_columns_of_another(model):
    indexes = _indexes(model)
    for name, (columns, partial) in indexes.items():
        for other, (wider, _) in indexes.items():
            if other != name and not partial:
                assert wider[: len(columns)] != columns, f"{name} repeats the start of {other}"


def test_a_session_writes_its_known_issue_index_only_when_it_has_one():
    indexes = _indexes(FlowSession)
    assert indexes["flow_session_known_issue"] == (["known_issue_id"], True)
    assert not [name for name, (columns, _) in indexes.items() if columns == ["symptom_id"]]

"""The demo guide for tests: loaded with loaddata once per process, then copied back.

Browser tests start from emptied tables (the live server reads committed data, so pytest-django
empties every table after each), and the unit tests' `demo_content` removes the guide after each
module. Loading the fixture again costs about 3,000 queries: every natural key looked up on its
own, every save indexed for search and retiring the page cache. Copying back the rows that the
first load wrote, search index included, takes a few dozen.
"""

from collections import defaultdict

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Case, Value, When

from troubleshooting import caching
from troubleshooting.management.commands.load_demo import DEMO_FIXTURE
from troubleshooting.models import TopicListing

# The rows the first load wrote, by model, kept for the life of the process (an xdist worker).
_loaded: dict = {}


def _stored_models() -> list:
    """Return every model with a table of its own, many-to-many tables included.

    Not the home page's stored listings: a copied row would carry the first load's content
    token, and the copy's ``content_changed()`` stores them afresh under its own once it commits.
    """
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model is not TopicListing
    ]


def _load_and_keep() -> None:
    """Load the fixture as a deployment does, then keep what it wrote to tables empty before."""
    empty = [model for model in _stored_models() if not model._base_manager.exists()]
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    for model in empty:
        fields = [field.attname for field in model._meta.concrete_fields]
        rows = list(model._base_manager.order_by("pk").values(*fields))
        if rows:
            _loaded[model] = rows


def _stamped_fields(model) -> list:
    return [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]


def _restore_times(model, rows: list[dict]) -> None:
    """Put back the stored times that bulk_create stamps with the present one (auto_now)."""
    pk = model._meta.pk.attname
    for field in _stamped_fields(model):
        by_time = defaultdict(list)
        for row in rows:
            by_time[row[field.attname]].append(row[pk])
        # The fixture gives every item one time: a plain UPDATE for the rows sharing a time, a
        # CASE only for rows with a time of their own (loaddata stamped each search document).
        alone = {keys[0]: time for time, keys in by_time.items() if len(keys) == 1}
        for time, keys in by_time.items():
            if len(keys) > 1:
                model._base_manager.filter(pk__in=keys).update(**{field.attname: time})
        if alone:
            stored = Case(
                *(When(pk=key, then=Value(time)) for key, time in alone.items()),
                output_field=field,
            )
            model._base_manager.filter(pk__in=list(alone)).update(**{field.attname: stored})


def load_demo() -> None:
    """Fill the emptied database with the demo guide, exactly as loading the fixture does."""
    if not _loaded:
        _load_and_keep()
        return
    with transaction.atomic():
        for model, rows in _loaded.items():
            model._base_manager.bulk_create([model(**row) for row in rows])
            _restore_times(model, rows)
        # As loaddata does: the next row a test creates gets a key after the copied ones.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(_loaded)):
                cursor.execute(sql)
        caching.content_changed()  # bulk inserts send no signals: retire cached pages ourselves

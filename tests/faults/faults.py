"""Faults to inject, and what every page must still look like when one strikes."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, connections, transaction

from troubleshooting.models import ArticleVote, FlowSession, SearchMiss, StepAnswer

# What public pages record: the tables a long write elsewhere keeps them from writing.
RECORDED = (FlowSession, StepAnswer, ArticleVote, SearchMiss)


def counts() -> dict[str, int]:
    """Count what recording has stored, to show that a fault lost or half-wrote nothing."""
    return {model.__name__: model.objects.count() for model in RECORDED}


def assert_clear_page(response, status: int) -> str:
    """Assert a page in the site's look with this status: never a traceback or a bare error."""
    html = response.content.decode()
    assert response.status_code == status, html[:500]
    assert 'class="brand"' in html and "css/site.css" in html
    assert "<h1" in html
    assert "Traceback" not in html
    assert "<h1>Internal Server Error</h1>" not in html
    assert html.strip() != "Internal Server Error"
    return html


def assert_retry_later(response, *, read_only: bool) -> None:
    """Assert the 503 that says the site is read-only or unavailable, and when to retry."""
    html = assert_clear_page(response, 503)
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    heading = "read-only for a moment" if read_only else "temporarily unavailable"
    assert heading in html


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Hold the database's write lock from another connection, as a long import does.

    SQLite: BEGIN IMMEDIATE (the settings' transaction mode) takes the one write lock.
    PostgreSQL: EXCLUSIVE locks on the recorded tables let readers in and keep writers waiting.
    """
    held, release, errors = threading.Event(), threading.Event(), []

    def hold():
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for model in RECORDED:
                            table = connection.ops.quote_name(model._meta.db_table)
                            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                held.set()
                release.wait(60)
        except Exception as error:  # reported to the test below
            errors.append(error)
            held.set()
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(30)
    assert not errors, errors
    try:
        yield
    finally:
        release.set()
        holder.join(60)


@contextmanager
def read_only_database() -> Iterator[None]:
    """Make this connection's database read-only, as a failover or maintenance does."""
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET default_transaction_read_only = on")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if sqlite:
                cursor.execute("PRAGMA query_only = OFF")
            else:
                cursor.execute("SET default_transaction_read_only = off")


@contextmanager
def database_unreachable() -> Iterator[None]:
    """Fail every query as a database server that has gone away does."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


@contextmanager
def cache_server(state: str) -> Iterator[str]:
    """Yield a redis:// URL whose server is "down" (refuses) or "hanging" (never answers)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if state == "down":
        listener.close()  # nothing listens there now: connections are refused
    else:
        listener.listen(16)  # connections are accepted by the kernel, and never answered
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        listener.close()

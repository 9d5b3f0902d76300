"""Say clearly when the database is read-only or out of reach, instead of a server error.

A database switched to read-only (a failover, maintenance, a full disk) or unreachable is the
operator's to fix and passes: the person gets a 503 page saying so, with ``Retry-After``, on
every page the error reaches, the admin's included. Pages that only read keep working on a
read-only database, and recording never fails a page (``outcomes.recording.record_safely``).
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
# PostgreSQL's "cannot execute … in a read-only transaction".
READ_ONLY_SQLSTATE = "25006"
READ_ONLY_MESSAGES = ("read-only transaction", "readonly database")
READ_ONLY = "read-only"
UNAVAILABLE = "unavailable"


def database_fault(error: BaseException) -> str | None:
    """Return READ_ONLY or UNAVAILABLE when ``error`` is the database refusing service, else None.

    Connection failures, lock timeouts and a read-only database raise OperationalError,
    InterfaceError or (PostgreSQL's read-only transaction) InternalError; an IntegrityError or
    a DataError is about the request, so it is left to the view (or to the 500 page).
    """
    if not isinstance(error, DatabaseError):
        return None
    text = str(error).lower()
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate == READ_ONLY_SQLSTATE or any(message in text for message in READ_ONLY_MESSAGES):
        return READ_ONLY
    if isinstance(error, OperationalError | InterfaceError):
        return UNAVAILABLE
    return None


def fault_page(fault: str) -> HttpResponse:
    """Return the 503 page for a database fault, rendered without touching the database."""
    read_only = fault == READ_ONLY
    heading = (
        _("The help site is read-only for a moment")
        if read_only
        else _("The help site is temporarily unavailable")
    )
    # No request: the context processors would read the session and user from the database.
    content = render_to_string("503.html", {"heading": heading, "read_only": read_only})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseFaultMiddleware:
    """Answer a request that met a read-only or unreachable database with the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_fault_response(request, exception)


def database_fault_response(request, exception) -> HttpResponse | None:
    """Return the 503 page for a read-only or unreachable database, logged; None for the rest.

    The middleware's answer to what a view raises, and the page cache's to what a hit answered
    before the view raises (``page_addresses.py``).
    """
    fault = database_fault(exception)
    if fault is None:
        return None
    logger.error(
        "The database is %s: %s %s answered 503.",
        fault,
        request.method,
        request.path,
        exc_info=exception,
    )
    return fault_page(fault)


def server_error(request):
    """Answer an error no view caught: the 503 page for a database fault, else the 500 page.

    The middleware above sees only what views and templates raise; a database that fails in a
    middleware (a session saved on the way out, a lockout record written) reaches the handler.
    """
    fault = database_fault(sys.exc_info()[1])
    return fault_page(fault) if fault else django_server_error(request)

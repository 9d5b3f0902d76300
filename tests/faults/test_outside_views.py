"""A database fault raised outside any view still gets the page that says so, never a bare 500."""

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client, override_settings

from .faults import assert_clear_page, assert_retry_later

pytestmark = pytest.mark.django_db


def failing_on_the_way_out(error):
    """Return a middleware that raises ``error`` after the view answered, as a session save can."""

    def middleware(get_response):
        def respond(request):
            get_response(request)
            raise error

        return respond

    return middleware


FAULTY = "tests.faults.test_outside_views.DATABASE_GONE"
BROKEN = "tests.faults.test_outside_views.PROGRAMMING_ERROR"
DATABASE_GONE = failing_on_the_way_out(OperationalError("server closed the connection"))
PROGRAMMING_ERROR = failing_on_the_way_out(IntegrityError("duplicate key"))


def with_middleware(path):
    from django.conf import settings

    return override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, path])


def test_a_database_fault_in_a_middleware_gets_the_503_page():
    with with_middleware(FAULTY):
        response = Client(raise_request_exception=False).get("/robots.txt")
    assert_retry_later(response, read_only=False)


def test_any_other_error_outside_a_view_gets_the_500_page():
    with with_middleware(BROKEN):
        response = Client(raise_request_exception=False).get("/robots.txt")
    html = assert_clear_page(response, 500)
    assert "Retry-After" not in response
    assert "temporarily unavailable" not in html


def test_pages_already_kept_are_served_while_the_database_is_unreachable(client):
    from tests.factories import make_guide

    from .faults import database_unreachable

    symptom = make_guide(2)[1]
    url = symptom.get_absolute_url()
    assert client.get(url).status_code == 200  # kept in the page cache
    with database_unreachable():
        kept = client.get(url)
        missing = Client(raise_request_exception=False).get(symptom.topic.get_absolute_url())
    assert kept.status_code == 200
    assert symptom.title in kept.content.decode()
    assert_retry_later(missing, read_only=False)  # not kept: rendering needs the database

"""A read-only or unreachable database: reading goes on, writing says so clearly (503).

Transactional tests: on PostgreSQL the read-only default only reaches transactions begun after
it, so no test transaction may be open around the request.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, IntegrityError, OperationalError
from django.urls import reverse

from tests.factories import make_guide
from troubleshooting.faults import database_fault
from troubleshooting.models import FixStep, Severity, Status, Symptom

from .faults import (
    assert_clear_page,
    assert_retry_later,
    counts,
    database_unreachable,
    read_only_database,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long enough password"  # noqa: S105 (a test account's)


@pytest.fixture
def symptom():
    return make_guide(3)[1]


@pytest.fixture
def editor(client, symptom):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", PASSWORD)
    client.force_login(user)
    return client


def everything() -> dict[str, int]:
    """Count what is stored: recordings, content, accounts and sign-in records."""
    return {
        **counts(),
        "FixStep": FixStep.objects.count(),
        "Symptom": Symptom.objects.count(),
        "User": get_user_model().objects.count(),
    }


def test_pages_that_only_read_still_work(client, symptom):
    with read_only_database():
        assert_clear_page(client.get(symptom.get_absolute_url()), 200)
        search = reverse("troubleshooting:search") + f"?q={symptom.title.split()[0]}"
        assert symptom.title in assert_clear_page(client.get(search), 200)


def test_a_search_that_finds_nothing_answers(client, symptom, caplog):
    before = everything()
    with read_only_database():
        response = client.get(reverse("troubleshooting:search") + "?q=zorblax")
    assert_clear_page(response, 200)
    assert everything() == before
    assert "Could not record a search that found nothing" in caplog.text


def test_an_answer_goes_on_unrecorded(client, symptom, caplog):
    step_one = client.get(symptom.get_flow_url())["Location"]
    before = everything()
    with read_only_database():
        response = client.post(step_one, {"answer": "n"})
        assert response.status_code == 303
        assert_clear_page(client.get(response["Location"]), 200)
    assert everything() == before
    assert "Could not record an answer in the guided fix" in caplog.text


def test_an_admin_sign_in_says_the_site_is_read_only(client, symptom, caplog):
    get_user_model().objects.create_superuser("editor", "e@example.com", PASSWORD)
    before = everything()
    with read_only_database(), caplog.at_level(logging.ERROR):
        response = client.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD})
    assert_retry_later(response, read_only=True)
    assert everything() == before
    assert "The database is read-only: POST /admin/login/ answered 503." in caplog.text


def test_an_admin_save_says_the_site_is_read_only(editor):
    before = everything()
    with read_only_database():
        response = editor.post(
            reverse("admin:troubleshooting_fixstep_add"),
            {
                "title": "Check the SIM",
                "slug": "check-the-sim",
                "status": Status.PUBLISHED,
                "instructions": "Open **Settings**.",
                "settings_path": "",
                "minutes": 2,
                "severity": Severity.QUICK,
                "warning": "",
            },
        )
    assert_retry_later(response, read_only=True)
    assert everything() == before
    assert not FixStep.objects.filter(slug="check-the-sim").exists()


def test_an_unreachable_database_is_a_clear_503_everywhere(editor, symptom):
    urls = [
        symptom.get_absolute_url(),
        reverse("troubleshooting:search") + "?q=zorblax",
        reverse("admin:index"),
        reverse("admin:troubleshooting_fixstep_changelist"),
    ]
    with database_unreachable():
        for url in urls:
            assert_retry_later(editor.get(url), read_only=False)


def test_other_database_errors_are_left_to_the_views():

    assert database_fault(IntegrityError("duplicate key")) is None
    assert database_fault(DataError("value too long")) is None
    assert database_fault(ValueError("not the database")) is None
    assert database_fault(OperationalError("database is locked")) == "unavailable"

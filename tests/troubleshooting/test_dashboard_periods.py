"""The outcomes dashboards take any period a query string can hold: a clear error, never a 500."""

import pytest
from django.urls import reverse

from troubleshooting.models import SymptomStep

pytestmark = pytest.mark.django_db

BAD_PERIODS = [
    ("end=0001-01-01", "Enter a date between"),
    ("end=0001-01-29", "Enter a date between"),
    ("end=9999-12-31", "Enter a date between"),
    ("start=9999-12-31", "Enter a date between"),
    ("start=0001-01-01&end=0001-01-02", "Enter a date between"),
    ("start=9999-12-30&end=9999-12-31", "Enter a date between"),
    ("start=1999-12-31", "Enter a date between"),
    ("start=2026-13-01", "Enter a valid date."),
    ("start=tomorrow", "Enter a valid date."),
    ("end=2026-02-30", "Enter a valid date."),
    ("end=99999-01-01", "Enter a valid date."),
    ("end=" + "9" * 5000, "Enter a valid date."),
    ("start=2026-11-20&end=2026-01-01", "The start date is after the end date."),
    ("start=2099-12-01", "The start date is after today."),
    ("start=2000-01-01&end=2026-01-01", "at most ten years"),
    ("start=2001-01-01", "at most ten years"),
]
GOOD_PERIODS = [
    ("", "30 days"),
    ("start=", "30 days"),
    ("end=", "30 days"),
    ("start=&end=", "30 days"),
    ("days=99999999999999999999", "30 days"),
    ("end=2000-01-05", "5 Jan 2000 (30 days)"),
    ("start=2099-12-31&end=2099-12-31", "1 day"),
    ("start=2016-01-02&end=2026-01-01", "3653 days"),
]


def pages(symptom):
    return {
        "overview": reverse("admin:troubleshooting_outcomes"),
        "symptom": reverse("admin:troubleshooting_symptom_outcomes", args=[symptom.pk]),
    }


def downloads(symptom):
    return {
        "overview": reverse("admin:troubleshooting_outcomes_csv"),
        "symptom": reverse("admin:troubleshooting_symptom_outcomes_csv", args=[symptom.pk]),
    }


@pytest.mark.parametrize(("query", "message"), BAD_PERIODS, ids=[q[:40] for q, _ in BAD_PERIODS])
def test_a_bad_period_is_a_form_error_on_every_dashboard(admin_client, guide, query, message):
    for name, url in pages(guide[1]).items():
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, name
        html = response.content.decode()
        assert message in html, name
        # The page shows the last 30 days meanwhile, and its download links ask for those.
        assert "(30 days)" in html, name
        assert f"?{query}" not in html, name


@pytest.mark.parametrize(("query", "message"), BAD_PERIODS, ids=[q[:40] for q, _ in BAD_PERIODS])
def test_a_bad_period_is_refused_by_every_download(admin_client, guide, query, message):
    for name, url in downloads(guide[1]).items():
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 400, name
        assert response["Content-Type"].startswith("text/plain"), name
        text = response.content.decode()
        assert message in text, name
        assert "Choose the period again" in text, name


@pytest.mark.parametrize(
    ("query", "shown"), GOOD_PERIODS, ids=[q or "none" for q, _ in GOOD_PERIODS]
)
def test_good_and_empty_periods_are_shown(admin_client, guide, query, shown):
    for name, url in pages(guide[1]).items():
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, name
        html = response.content.decode()
        assert shown in html, name
        assert 'class="errornote"' not in html and 'class="errorlist"' not in html, name
    for name, url in downloads(guide[1]).items():
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv"), name


@pytest.mark.parametrize("object_id", ["²", "١٢", "9" * 40, "-1", "1.0", "%00"])
def test_odd_symptom_numbers_are_404_not_500(admin_client, guide, object_id):
    for suffix in ["outcomes/", "outcomes.csv"]:
        response = admin_client.get(f"/admin/troubleshooting/symptom/{object_id}/{suffix}")
        assert response.status_code == 404, suffix


def test_applying_an_order_with_a_bad_period_moves_nothing(admin_client, guide):
    symptom, steps = guide[1], guide[2]
    url = reverse("admin:troubleshooting_symptom_apply_order", args=[symptom.pk])
    response = admin_client.post(url, {"start": "0001-01-01", "end": "9999-12-31", "token": "x"})
    assert response.status_code == 302
    order = SymptomStep.objects.filter(symptom=symptom).order_by("position")
    assert list(order.values_list("step", flat=True)) == [step.pk for step in steps]


@pytest.mark.parametrize(
    "query",
    [
        "last_seen__year=9999&last_seen__month=12&last_seen__day=31",
        "last_seen__year=9999&last_seen__month=12",
        "last_seen__year=9999",
        "last_seen__year=1&last_seen__month=1&last_seen__day=1",
        "last_seen__year=99999999999999999999",
        "last_seen__year=2026&last_seen__month=2&last_seen__day=30",
    ],
)
def test_the_searches_that_found_nothing_take_any_date(admin_client, query):
    url = reverse("admin:troubleshooting_searchmiss_changelist")
    response = admin_client.get(f"{url}?{query}", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain in ([], [(f"{url}?e=1", 302)])


@pytest.mark.parametrize("query", ["a\nb", "start=2026-01-01\r\nSet-Cookie: x=1", "%", "#x"])
def test_the_way_back_after_applying_an_order_takes_any_query(admin_client, guide, query):
    url = reverse("admin:troubleshooting_symptom_apply_order", args=[guide[1].pk])
    response = admin_client.post(url, {"token": "stale", "query": query})
    assert response.status_code == 302
    back = reverse("admin:troubleshooting_symptom_outcomes", args=[guide[1].pk])
    assert response["Location"].startswith(f"{back}?")
    assert "\n" not in response["Location"] and "#" not in response["Location"]

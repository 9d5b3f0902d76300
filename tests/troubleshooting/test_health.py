"""The load balancer's health check: is this app server able to serve pages?"""

from unittest import mock

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from troubleshooting.models import validate_slug_not_reserved

pytestmark = pytest.mark.django_db


def test_a_healthy_server_says_so_and_is_never_cached(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_server_without_its_database_is_taken_out_of_rotation(client):
    down = DatabaseError("down")
    with mock.patch("troubleshooting.views.system.connection.cursor", side_effect=down):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"
    assert response.json()["cache"] == "ok"


def test_a_server_without_its_cache_still_serves_and_says_so(client):
    down = ConnectionError("redis down")
    with mock.patch("troubleshooting.views.system.cache.set", side_effect=down):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "failing"}


def test_pages_are_served_while_the_cache_is_down(client, guide):
    down = ConnectionError("down")
    with (
        mock.patch.object(type(caches["default"]), "get", side_effect=down),
        mock.patch.object(type(caches["default"]), "set", side_effect=down),
    ):
        for url in ("/", guide[0].get_absolute_url(), guide[1].get_absolute_url()):
            assert client.get(url).status_code == 200, url


def test_no_topic_can_take_its_address():
    with pytest.raises(ValidationError):
        validate_slug_not_reserved("health")

"""The language an address names, read once per first part, and the headers that say it."""

import pytest
from django.utils import translation

from troubleshooting.middleware import language_from_address

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/",
    "/search/",
    "/es/",
    "/es",
    "/es/buscar/",
    "/fr/messages/",
    "/es-mx/",
    "/en-gb/",
    "/en/",
    "/known-issues/",
    "/messages/not-delivered/",
    "/zz/",
    "/a@b-c/",
    "/%C3%A9/",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_names_the_language_django_reads_in_it(address):
    expected = translation.get_language_from_path(address)
    assert language_from_address(address) == expected
    assert language_from_address(address) == expected  # and again, from what was kept


def test_public_pages_say_their_language_and_never_vary_on_the_browsers(client):
    for address, language in (("/search/?q=restart", "en-gb"), ("/es/", "es"), ("/", "en-gb")):
        response = client.get(address)
        assert response["Content-Language"] == language
        assert "accept-language" not in response.get("Vary", "").lower()
        assert "HX-Request" in response["Vary"]


def test_the_admin_speaks_the_editors_language_and_says_it_varies(admin_client):
    response = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]


def test_the_kept_answers_follow_a_change_of_the_languages(settings):
    assert language_from_address("/de/") is None
    settings.LANGUAGES = [*settings.LANGUAGES, ("de", "German")]
    assert language_from_address("/de/") == "de"

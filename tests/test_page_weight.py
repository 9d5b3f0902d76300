"""A first visit on a phone stays light, and static files are cached by browsers for good.

Static files are built as in production (collectstatic with whitenoise's compressed, hashed
storage) and served by whitenoise; the HTML is counted gzipped, as the page cache sends a page
it keeps (a whole page seen again), or the reverse proxy any other.
"""

import gzip
import re

import pytest
from django.test import Client, override_settings

from tests.conftest import PRODUCTION_STORAGES
from troubleshooting.flow import Flow
from troubleshooting.languages import address_in
from troubleshooting.models import Symptom

FIRST_LOAD_LIMIT = 60 * 1024  # bytes transferred, compressed
ONE_YEAR = 365 * 24 * 60 * 60
ASSET = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"]+)"')


@pytest.fixture
def production_static(collected_static):
    with override_settings(
        STATIC_ROOT=collected_static, STORAGES=PRODUCTION_STORAGES, WHITENOISE_AUTOREFRESH=False
    ):
        yield Client(HTTP_ACCEPT_ENCODING="gzip, deflate, br")


def demo_pages() -> list[str]:
    """Each page of the demo guide in English, then at its Spanish and French addresses."""
    symptom = Symptom.objects.get(slug="stuck-on-sending")
    flow = Flow.for_symptom(symptom)
    english = [
        "/",
        "/messages/",
        "/messages/fix/",
        symptom.get_absolute_url(),
        "/messages/not-delivered/",
        flow.step_url(2, "n"),
        flow.fixed_url("ny"),
        flow.end_url("n" * len(flow)),
        "/search/?q=green+bubble",
    ]
    return english + [address_in(url, language) for language in ("es", "fr") for url in english]


def page_html(client, url: str) -> tuple[str, int]:
    """Return a page's HTML and the bytes it takes gzipped, as the site or its proxy sends it."""
    response = client.get(url)
    assert response.status_code == 200, url
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode(), len(response.content)
    return response.content.decode(), len(gzip.compress(response.content, compresslevel=6))


def transferred(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return len(body)


@pytest.mark.django_db
def test_first_load_of_every_page_is_under_60_kb(production_static, demo_content):
    client = production_static
    for url in demo_pages():
        html, size = page_html(client, url)
        assets = sorted(set(ASSET.findall(html)))
        assert any(asset.endswith(".css") for asset in assets), url
        assert any(".js" in asset for asset in assets), url
        sizes = {asset: transferred(client, asset) for asset in assets}
        sizes[url] = size
        total = sum(sizes.values())
        assert total <= FIRST_LOAD_LIMIT, f"{url}: {total} bytes: {sizes}"


@pytest.mark.django_db
def test_static_files_are_compressed_hashed_and_cached_for_a_year(production_static):
    client = production_static
    html, _size = page_html(client, "/")
    assets = ASSET.findall(html)
    assert len(assets) >= 3
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), f"{asset} has no content hash"
        response = client.get(asset)
        assert response.status_code == 200, asset
        cache_control = response["Cache-Control"]
        assert "immutable" in cache_control, asset
        max_age = int(re.search(r"max-age=(\d+)", cache_control).group(1))
        assert max_age >= ONE_YEAR, asset
        assert response["Content-Encoding"] in {"gzip", "br"}, asset


@pytest.mark.django_db
def test_an_unhashed_name_is_not_cached_for_long(production_static):
    response = production_static.get("/static/css/site.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]

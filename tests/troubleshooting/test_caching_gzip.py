"""Cached pages go gzipped, compressed once, to clients that accept it, never with a secret in."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory

from troubleshooting import caching, page_entries
from troubleshooting.flow import Flow
from troubleshooting.outcomes.recording import new_key

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def vary(response) -> list[str]:
    return [name.strip().lower() for name in response.get("Vary", "").split(",")]


def assert_gzipped_copy_of(response, plain: bytes) -> None:
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(response.content)
    assert gzip.decompress(response.content) == plain
    assert "accept-encoding" in vary(response)
    assert "script-src 'self'" in response["Content-Security-Policy"]


class TestPagesWithNothingToFillIn:
    def test_the_same_page_gzipped_rendered_and_then_from_the_cache(self, client, guide):
        url = guide[0].get_absolute_url()
        rendered = client.get(url, **GZIP)  # rendered now, kept, and sent gzipped at once
        again = client.get(url, **GZIP)
        plain = Client().get(url)
        assert "Content-Encoding" not in plain
        assert "accept-encoding" in vary(plain)  # so no cache in between mixes the two up
        assert int(plain["Content-Length"]) == len(plain.content)
        assert_gzipped_copy_of(rendered, plain.content)
        assert_gzipped_copy_of(again, plain.content)
        assert again.content == rendered.content
        assert vary(again) == ["hx-request", "accept-encoding"]

    def test_every_kind_of_cached_page(self, client, guide, htmx_headers):
        flow = Flow.for_symptom(guide[1])
        for url, headers in (
            ("/", {}),
            (guide[1].get_absolute_url(), {}),
            (flow.step_url(2, "n"), htmx_headers),  # a fragment: no token in it
            ("/search/?q=" + guide[1].title.split()[0], {}),
            ("/sitemap.xml", {}),
        ):
            client.get(url, **headers, **GZIP)
            plain = client.get(url, **headers).content
            assert_gzipped_copy_of(client.get(url, **headers, **GZIP), plain)

    def test_a_client_that_refuses_gzip_gets_the_page_as_it_is(self, client, guide):
        url = guide[0].get_absolute_url()
        client.get(url, **GZIP)
        for refused in ("", "identity", "gzip;q=0", "br, gzip; q=0.0", "*;q=0", "deflate"):
            response = client.get(url, HTTP_ACCEPT_ENCODING=refused)
            assert "Content-Encoding" not in response, refused
            assert b"<!DOCTYPE html>" in response.content[:100], refused

    def test_a_head_request_says_the_gzipped_length(self, client, guide):
        url = guide[0].get_absolute_url()
        whole = client.get(url, **GZIP)
        head = client.head(url, **GZIP)
        assert head.status_code == 200 and head.content == b""
        assert head["Content-Encoding"] == "gzip"
        assert head["Content-Length"] == str(len(whole.content))

    def test_compressed_once_when_kept(self, client, guide, monkeypatch):
        url = guide[0].get_absolute_url()
        client.get(url, **GZIP)
        calls = []
        monkeypatch.setattr(page_entries.gzip, "compress", lambda *a, **k: calls.append(a))
        for _ in range(3):
            assert client.get(url, **GZIP)["Content-Encoding"] == "gzip"
        assert calls == []

    def test_the_same_bytes_from_every_process(self, client, guide):
        url = guide[0].get_absolute_url()
        first = client.get(url, **GZIP).content
        caching.page_cache.reset()  # a new process, rendering the page again
        caching.content_changed()
        assert client.get(url, **GZIP).content == first

    def test_the_cache_off_sends_pages_as_they_are(self, client, guide, settings):
        settings.PAGE_CACHE_SECONDS = 0
        response = client.get(guide[0].get_absolute_url(), **GZIP)
        assert "Content-Encoding" not in response
        assert "accept-encoding" not in vary(response)


class TestPagesWithASecretAreNeverCompressed:
    """BREACH: a token compressed beside a search's words would leak through the length."""

    def test_a_page_with_a_form_token(self, guide):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        tokens = []
        for _ in range(3):
            visitor = Client(enforce_csrf_checks=True, **GZIP)
            response = visitor.get(url)
            assert "Content-Encoding" not in response
            assert "accept-encoding" not in vary(response)
            tokens.append(TOKEN.search(response.content).group(1).decode())
            answered = visitor.post(url, {"answer": "n", "csrfmiddlewaretoken": tokens[-1]})
            assert answered.status_code == 303
        assert len(set(tokens)) == 3

    def test_a_page_with_a_session_key(self, client, guide):
        flow = Flow.for_symptom(guide[1])
        for _ in range(2):
            key = new_key()
            response = client.get(flow.with_session(key).step_url(2, "n"), **GZIP)
            assert "Content-Encoding" not in response
            assert f"s={key}".encode() in response.content

    def test_a_page_from_the_shared_cache_too(self, client, guide):
        url = Flow.for_symptom(guide[1]).step_url(2, "n")
        client.get(url, **GZIP)
        caching.page_cache.recent.clear()  # a new process: the shared cache has it
        response = client.get(url, **GZIP)
        assert "Content-Encoding" not in response
        assert TOKEN.search(response.content)


def test_a_length_or_tag_set_by_a_view_never_describes_the_other_form():
    body = b"<p>" + b"the same words again and again " * 50 + b"</p>"
    sized = HttpResponse(body, headers={"Content-Length": str(len(body))})
    entry = page_entries.make_entry(sized)
    assert entry.gzipped is not None
    assert "Content-Length" not in entry.headers and "Content-Length" not in entry.gzip_headers
    request = RequestFactory().get("/", **GZIP)
    sent = page_entries.answer_with(request, sized, entry, "")
    assert sent["Content-Encoding"] == "gzip" and "Content-Length" not in sent
    tagged = page_entries.make_entry(HttpResponse(body, headers={"ETag": '"v1"'}))
    assert tagged.gzipped is None and tagged.headers["ETag"] == '"v1"'
    assert "Vary" not in tagged.headers


@pytest.mark.parametrize(
    ("value", "takes_gzip"),
    [
        ("gzip", True),
        ("gzip, deflate, br, zstd", True),
        ("GZip;Q=0.5", True),
        ("x-gzip", True),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", True),
        ("*", True),
        ("br, *;q=0.5", True),
        ("", False),
        ("identity", False),
        ("deflate, br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000", False),
        ("*, gzip;q=0", False),
        ("gzip;q=nonsense", False),
        ("gzip;q=nan", False),
        ("gzip;q=2", False),
        ("*;q=0", False),
        ("gzipped", False),
    ],
)
def test_accept_encoding_is_read_as_the_standard_says(value, takes_gzip):
    assert page_entries.accepts_gzip(value) is takes_gzip


# The safeguard finds a token only as {% csrf_token %}'s hidden field: a token written any other way
# (an hx-headers attribute) would be kept for everyone and gzipped beside a search's words.
BARE_TOKEN = re.compile(r"\{\{\s*csrf_token\b")


def templates_writing_a_bare_token(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if BARE_TOKEN.search(path.read_text(encoding="utf-8"))
    )


def test_no_template_writes_the_csrf_token_outside_its_hidden_field():
    assert templates_writing_a_bare_token(Path(settings.BASE_DIR) / "templates") == []


def test_a_template_writing_the_token_into_an_attribute_is_caught(tmp_path):
    (tmp_path / "page.html").write_text('<body hx-headers=\'{"X-CSRFToken": "{{csrf_token}}"}\'>')
    (tmp_path / "form.html").write_text("<form>{% csrf_token %}</form>")
    assert templates_writing_a_bare_token(tmp_path) == ["page.html"]

"""Bodies and addresses Django can't read: each gets the site's 400 page, never a server error.

Sent as a browser would after its first visit, with a CSRF cookie: the CSRF check then reads the
body, and so does the error view's own check. The client here returns what the error handlers
answer instead of re-raising (``raise_request_exception=False``), as gunicorn would serve it.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from tests.test_hostile_input import (
    BINARY,
    FORM,
    HOSTILE_BODIES,
    Guide,
    assert_clear,
    fill,
    make_hostile_guide,
)
from troubleshooting.models import ArticleVote, StepAnswer

CSRF_COOKIE = "abcdefghijklmnopqrstuvwxyz012345"
BAD_REQUEST_PAGE = "Something in that link isn"
MULTIPART = "multipart/form-data; boundary=xyz"
# Everything but UTF-8 itself: Django reads form data only as UTF-8 (it ignores a charset it
# doesn't know, and refuses any other, an alias of UTF-8 included).
OTHER_CHARSETS = ["utf-16", "latin-1", "ascii", "UTF8", "cp1252", "x-nonsense", '"utf-16le"']
PUBLIC_POSTS = ["/", "{step1}", "{step3}?r=nn&v={v}", "{feedback}", "/search/?q=wifi"]
ADMIN_POSTS = ["/admin/login/", "/admin/troubleshooting/symptom/add/", "/preview/"]


@pytest.fixture
def guide(db) -> Guide:
    return make_hostile_guide()


def browser(**kwargs) -> Client:
    """Return a client that checks CSRF as production does, and already holds a CSRF cookie."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False, **kwargs)
    client.cookies["csrftoken"] = CSRF_COOKIE
    return client


def post(client: Client, url: str, body: bytes, content_type: str, **extra):
    return client.generic("POST", url, body, content_type=content_type, **extra)


def assert_bad_request_page(response, where: str):
    assert response.status_code == 400, f"{where}: {response.status_code}"
    assert BAD_REQUEST_PAGE in response.content.decode(), where
    assert_clear(response, where)


@pytest.mark.parametrize("charset", OTHER_CHARSETS)
def test_a_form_in_another_charset_gets_the_400_page(guide, admin_user, charset):
    anonymous, editor = browser(), browser()
    editor.force_login(admin_user)
    token = f"csrfmiddlewaretoken={CSRF_COOKIE}".encode()
    for client, templates in [(anonymous, PUBLIC_POSTS + ADMIN_POSTS), (editor, ADMIN_POSTS)]:
        for template in templates:
            url = fill(template, guide)
            for content_type, body in [
                (f"{FORM}; charset={charset}", b"answer=n&helpful=yes&a=b&" + token),
                (f"{MULTIPART}; charset={charset}", b"--xyz\r\n\r\n--xyz--"),
            ]:
                response = post(client, url, body, content_type)
                assert_bad_request_page(response, f"{url} {content_type}")
    assert not StepAnswer.objects.exists()
    assert not ArticleVote.objects.exists()


@pytest.mark.parametrize("charset", ["", "; charset=utf-8", "; charset=UTF-8", '; charset="utf-8"'])
def test_a_utf8_form_still_goes_through(guide, charset):
    body = f"answer=n&csrfmiddlewaretoken={CSRF_COOKIE}".encode()
    response = post(browser(), fill("{step1}", guide), body, f"{FORM}{charset}")
    assert response.status_code == 303
    assert StepAnswer.objects.count() == 1


# Bodies and headers that make Django raise while it reads the form, and their neighbours.
UNREADABLE = {
    **HOSTILE_BODIES,
    "length-shorter-than-body": (FORM, b"answer=n&note=" + b"a" * 100, {"CONTENT_LENGTH": "3"}),
    # (A length longer than the body can't be sent here: the test client refuses to read past
    # its end. gunicorn waits for the rest, up to its timeout; the proxy in front buffers bodies.)
    "length-not-a-number": (FORM, b"answer=n", {"CONTENT_LENGTH": "ten"}),
    "length-negative": (FORM, b"answer=n", {"CONTENT_LENGTH": "-1"}),
    "length-with-spaces": (FORM, b"answer=n", {"CONTENT_LENGTH": " 8"}),
    "one-field-too-many": (FORM, "&".join(f"f{i}=x" for i in range(201)).encode(), {}),
    "just-over-the-size": (FORM, b"note=" + b"a" * (256 * 1024), {}),
    "broken-percent-encoding": (FORM, b"answer=%zz%&note=%%%41%u0041%", {}),
    "multipart-many-fields": (
        MULTIPART,
        b"".join(
            b'--xyz\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % i
            for i in range(201)
        )
        + b"--xyz--\r\n",
        {},
    ),
    "multipart-binary-boundary": (f"multipart/form-data; boundary={'x' * 71}", BINARY, {}),
}
# Through the error handlers: whatever the CSRF check or the view answers, nothing is a 500.
REFUSED = {
    "length-not-a-number",
    "length-negative",
    "length-with-spaces",
    "one-field-too-many",
    "just-over-the-size",
    "multipart-many-fields",
}


@pytest.mark.parametrize(("content_type", "body", "extra"), UNREADABLE.values(), ids=UNREADABLE)
def test_unreadable_bodies_with_a_csrf_cookie(guide, content_type, body, extra, request):
    name = request.node.callspec.id
    client = browser()
    for template in PUBLIC_POSTS + ADMIN_POSTS:
        url = fill(template, guide)
        response = post(client, url, body, content_type, **extra)
        assert_clear(response, f"{url} {name}")
        assert response.status_code in (400, 403), f"{url} {name}: {response.status_code}"
        if name in REFUSED:
            assert_bad_request_page(response, f"{url} {name}")
    assert not StepAnswer.objects.exists()
    assert not ArticleVote.objects.exists()


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5, DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_the_limits_are_the_settings(guide):
    client = browser()
    url = fill("{step1}", guide)
    for body in [b"&".join(b"f%d=x" % i for i in range(6)), b"note=" + b"a" * 101]:
        assert_bad_request_page(post(client, url, body, FORM), body[:20])
    ok = post(client, url, f"answer=n&csrfmiddlewaretoken={CSRF_COOKIE}".encode(), FORM)
    assert ok.status_code == 303


@pytest.mark.parametrize(
    "url",
    [
        "/%FF%FE/",
        "/%ED%A0%80/",
        "/search/?q=%FF%FE",
        "/search/?%FF=%FE&q=%C0%AF",
        "/?q=%zz%",
        "{step1}?r=%FF&v=%FF&s=%FF",
        "/admin/troubleshooting/symptom/?q=%FF",
    ],
)
def test_addresses_that_are_not_utf8(guide, admin_user, url):
    for client in (browser(), browser()):
        response = client.get(fill(url, guide))
        assert_clear(response, url)
        client.force_login(admin_user)


@pytest.mark.parametrize("host", ["evil.example", "[::1", "a" * 300, "testserver:evil"])
def test_a_host_we_do_not_serve_gets_the_400_page_on_a_post(guide, host):
    body = b"a=b"
    response = post(
        browser(), fill("{step1}", guide), body, f"{FORM}; charset=utf-16", HTTP_HOST=host
    )
    assert_bad_request_page(response, host)
    assert_bad_request_page(browser().get("/", HTTP_HOST=host), host)


@pytest.mark.django_db
def test_a_nul_byte_in_the_address_is_logged_without_a_traceback(client, caplog):
    """A refused request is a line in the log, not a traceback an operator must read."""
    response = client.get("/search/?q=a%00b")
    assert response.status_code == 400
    assert caplog.records, "the refusal is logged"
    assert not [record for record in caplog.records if record.exc_info]

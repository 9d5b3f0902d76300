"""Every public page of the demo guide renders, with one <h1>, and no internal link is broken."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.utils import translation

from troubleshooting import caching
from troubleshooting.flow import Flow
from troubleshooting.models import Symptom, Topic, TriageQuestion

pytestmark = pytest.mark.django_db


def public_urls() -> list[str]:
    urls = ["/"]
    for topic in Topic.objects.visible():
        urls.append(topic.get_absolute_url())
    for question in TriageQuestion.objects.visible().select_related("topic"):
        urls.append(question.get_absolute_url())
    for symptom in Symptom.objects.visible().select_related("topic"):
        urls.append(symptom.get_absolute_url())
        flow = Flow.for_symptom(symptom)
        for number, step in enumerate(flow.steps, start=1):
            results = "n" * (number - 1)
            urls.append(flow.step_url(number, results))
            if step.is_destructive:
                urls.append(flow.step_url(number, results, confirm="1"))
        urls.append(flow.fixed_url("n" * (len(flow) - 1) + "y"))
        urls.append(flow.end_url("n" * len(flow)))
        urls.append(flow.end_url(""))
    return urls


@pytest.fixture(scope="module")
def pages(demo_content, django_db_blocker) -> dict[str, dict[str, tuple[int, str]]]:
    """Fetch every public page once, whole and as the htmx fragment, for the module's checks.

    The three checks read the same ~150 pages; fetching them once instead of three times is most
    of this module's time. Whatever a request writes is rolled back, and the page cache starts
    empty, as it does for a test.
    """
    pages: dict[str, dict[str, tuple[int, str]]] = {"whole": {}, "htmx": {}}
    client = Client()
    language = translation.override(settings.LANGUAGE_CODE)
    with django_db_blocker.unblock(), language, transaction.atomic():
        for cache in caches.all():
            cache.clear()
        caching.page_cache.reset()
        for url in public_urls():
            for kind, headers in (("whole", {}), ("htmx", {"HTTP_HX_REQUEST": "true"})):
                response = client.get(url, **headers)
                pages[kind][url] = (response.status_code, response.content.decode())
        transaction.set_rollback(True)
    return pages


def test_every_public_page_renders_with_one_heading(pages):
    assert len(pages["whole"]) > 80  # the whole guide, every step of every symptom
    for kind in ("whole", "htmx"):
        for url, (status, html) in pages[kind].items():
            assert status == 200, url
            assert len(re.findall(r"<h1[\s>]", html)) == 1, url
            assert "{{" not in html and "{%" not in html, url
            assert "MISSING-TEMPLATE-VARIABLE" not in html, url


def test_no_internal_link_is_broken(client, pages):
    checked: dict[str, int] = {}
    for _status, html in pages["whole"].values():
        for href in re.findall(r'<a [^>]*?href="(/[^"#]*)', html):
            href = unescape(href)
            if href.startswith(("/static/", "/admin/")) or href in checked:
                continue
            # A page the sweep fetched already has its answer; only the others are asked for.
            fetched = pages["whole"].get(href)
            checked[href] = fetched[0] if fetched else client.get(href).status_code
    broken = {href: status for href, status in checked.items() if status not in (200, 302)}
    assert not broken
    assert len(checked) > 80


def test_every_htmx_link_is_also_a_plain_link(pages):
    """Links work without JavaScript: hx-get always repeats the href."""
    pairs = 0
    for _status, html in pages["whole"].values():
        for tag in re.findall(r"<a [^>]*hx-get=[^>]*>", html):
            href = re.search(r'href="([^"]*)"', tag)
            hx_get = re.search(r'hx-get="([^"]*)"', tag)
            assert href and href.group(1) == hx_get.group(1), tag
            pairs += 1
    assert pairs > 100

"""Every public page of the demo guide renders, with one <h1>, and no internal link is broken."""

import re
from html import unescape

import pytest

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


def test_every_public_page_renders_with_one_heading(client, demo_content):
    urls = public_urls()
    assert len(urls) > 80  # the whole guide, every step of every symptom
    for url in urls:
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert len(re.findall(r"<h1[\s>]", html)) == 1, url
            assert "{{" not in html and "{%" not in html, url
            assert "MISSING-TEMPLATE-VARIABLE" not in html, url


def test_no_internal_link_is_broken(client, demo_content):
    checked: dict[str, int] = {}
    for url in public_urls():
        html = client.get(url).content.decode()
        for href in re.findall(r'<a [^>]*?href="(/[^"#]*)', html):
            href = unescape(href)
            if href.startswith(("/static/", "/admin/")) or href in checked:
                continue
            checked[href] = client.get(href).status_code
    broken = {href: status for href, status in checked.items() if status not in (200, 302)}
    assert not broken
    assert len(checked) > 80


def test_every_htmx_link_is_also_a_plain_link(client, demo_content):
    """Links work without JavaScript: hx-get always repeats the href."""
    pairs = 0
    for url in public_urls():
        for tag in re.findall(r"<a [^>]*hx-get=[^>]*>", client.get(url).content.decode()):
            href = re.search(r'href="([^"]*)"', tag)
            hx_get = re.search(r'hx-get="([^"]*)"', tag)
            assert href and href.group(1) == hx_get.group(1), tag
            pairs += 1
    assert pairs > 100

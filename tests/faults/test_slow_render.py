"""A page whose rendering is slow, or stopped by a time budget: a clear page, never a traceback.

Bounding Markdown itself is the renderer's business (troubleshooting/markdown.py); here a
public page's template rendering is slowed and then cut short, as a budget would cut it.
"""

import time

import pytest
from django.template.backends.django import Template
from django.test import Client

from tests.factories import make_guide

from .faults import assert_clear_page, counts

pytestmark = pytest.mark.django_db

_render = Template.render


def slowed(seconds: float, *, budget_exceeded: bool):
    """Return a template render that takes ``seconds`` on public pages, then maybe gives up."""

    def render(self, *args, **kwargs):
        if self.template.name.startswith("troubleshooting/"):
            time.sleep(seconds)
            if budget_exceeded:
                raise TimeoutError("rendering took longer than its budget")
        return _render(self, *args, **kwargs)

    return render


def test_a_slow_page_is_served_whole(client, monkeypatch):
    symptom = make_guide(3)[1]
    monkeypatch.setattr(Template, "render", slowed(0.05, budget_exceeded=False))
    started = time.monotonic()
    html = assert_clear_page(client.get(symptom.get_absolute_url()), 200)
    assert time.monotonic() - started >= 0.05  # it was slowed
    assert symptom.title in html


def test_a_page_cut_short_is_the_sites_error_page_and_not_kept(monkeypatch):
    symptom = make_guide(3)[1]
    browser = Client(raise_request_exception=False)
    step_one = browser.get(symptom.get_flow_url())["Location"]
    before = counts()
    with monkeypatch.context() as patch:
        patch.setattr(Template, "render", slowed(0.05, budget_exceeded=True))
        html = assert_clear_page(browser.get(symptom.get_absolute_url()), 500)
        assert "Something went wrong on our side" in html
        assert browser.post(step_one, {"answer": "n"}).status_code == 303  # answers need no render
    assert counts()["StepAnswer"] == before["StepAnswer"] + 1
    # The failure was not cached: the page is whole again once rendering is.
    assert symptom.title in assert_clear_page(browser.get(symptom.get_absolute_url()), 200)

"""The guided fix's end page: what it says about the fixes tried, and where to go next."""

import re
from html import unescape

import pytest

from tests.factories import make_guide
from troubleshooting.flow import Flow


def lede(client, symptom, results: str) -> str:
    html = client.get(Flow.for_symptom(symptom).end_url(results)).content.decode()
    return unescape(re.search(r'<p class="lede">(.*?)</p>', html, re.DOTALL).group(1)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step_count", "results", "expected"),
    [
        (1, "n", "You tried the only fix in this guide. Here's who can help next."),
        (1, "", "Here's who can help. If you haven't yet, the fix below is worth a try first."),
        (3, "nnn", "You tried all 3 fixes. That rules a lot out"),
        (3, "n", "You tried 1 fix. Tell whoever helps you next; the list below shows what's left"),
        (3, "nsn", "You tried 2 fixes and skipped 1. Tell whoever helps you next;"),
        (3, "ss", "You skipped 2 fixes. Here's who can help;"),
        (3, "", "Here's who can help. If you haven't yet, the fixes listed below are worth"),
    ],
)
def test_end_page_says_what_the_fixes_tried_mean(client, step_count, results, expected):
    symptom = make_guide(step_count)[1]
    text = lede(client, symptom, results)
    assert text.startswith(expected)
    if results.count("n") < max(step_count, 2):
        assert "rules a lot out" not in text  # one fix, or some of several, rules little out

"""The guided fix's end page: what it says about the fixes tried, and where to go next."""

import re
from html import unescape

import pytest

from tests.factories import make_guide
from troubleshooting.flow import Flow
from troubleshooting.models import Symptom


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


SEND_THE_GUIDE = re.compile(r"send (?:them )?(?:the link to )?this guide", re.IGNORECASE)


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_each_way_on_is_mentioned_once_in_every_demo_guide(client, demo_content):
    for symptom in Symptom.objects.select_related("topic"):
        article = unescape(client.get(symptom.get_absolute_url()).content.decode())
        ways = section(article, "next-heading")
        end = unescape(client.get(Flow.for_symptom(symptom).end_url("")).content.decode())
        main = end[end.index('<main id="main"') : end.index("</main>")]
        main = main.replace(section(main, "summary-heading"), "")  # step titles, not ways on
        for page, text in [("article", ways), ("end page", main)]:
            assert text.count("Apple Support") == 1, (symptom.slug, page)
            assert len(re.findall(r"\bcarrier\b", text, re.IGNORECASE)) == 1, (symptom.slug, page)
        assert len(SEND_THE_GUIDE.findall(ways)) == 1, symptom.slug
        share = section(main, "share-heading")
        assert not SEND_THE_GUIDE.search(main.replace(share, "")), symptom.slug
        for other in Symptom.objects.exclude(pk=symptom.pk):
            assert f"<strong>{other.title}</strong>" not in ways, (symptom.slug, other.slug)


@pytest.mark.django_db
def test_a_reference_to_another_guide_is_a_link(client, demo_content):
    html = unescape(client.get("/messages/stuck-on-sending/").content.decode())
    ways = section(html, "next-heading")
    assert re.search(
        r'<a href="/messages/only-one-contact/"[^>]*>Messages to one person won.t send</a>', ways
    )

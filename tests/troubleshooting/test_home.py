"""The home page as a new visitor sees it: a search box, the common problems, the topics."""

import re
from html import unescape

import pytest


def between(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


@pytest.mark.django_db
def test_home_features_the_green_bubble_and_does_not_repeat_itself(client, demo_content):
    html = unescape(client.get("/").content.decode())
    placeholder = re.search(r'placeholder="([^"]*)"', between(html, "<main", "</main>")).group(1)
    assert len(placeholder) <= 20, placeholder  # fits a 390 px phone, whole
    common = between(html, 'id="common-heading"', "</section>")
    topics = between(html, 'id="topics-heading"', "</section>")
    assert "Sent as Text Message (green bubble)" in common  # what the placeholder suggests
    titles = re.findall(r"<h3><a [^>]*>([^<]+)</a></h3>", common)
    assert len(titles) >= 3
    for title in titles:
        assert f">{title}</a>" not in topics, f"{title} is listed twice"
    assert "It doesn't say Delivered" in topics
    assert "All 7 problems in Messages and iMessage" in topics


@pytest.mark.django_db
def test_each_card_has_one_link_to_its_article(client, demo_content):
    html = client.get("/").content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.DOTALL)
    assert cards
    for card in cards:
        article = re.search(r'<h3><a href="([^"]+)"', card).group(1)
        assert card.count(f'href="{article}"') == 1
        assert not re.search(r"<a [^>]*>[^<]*<a ", card)  # no nested links

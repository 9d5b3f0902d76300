"""The article is filled into its shape: it must be the template's own output, byte for byte.

The whole article and its htmx fragment are rendered once per language and kind of article
(its number of steps, which of its parts are empty) with stand-ins for everything they print
(``views/article._shaped_article``, ``shaped.fill``), then each request's values are filled in.
"""

import pytest

from tests.factories import make_cause, make_step, make_symptom, make_topic
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.translation_factories import translate
from troubleshooting import shaped

from .test_language_shapes import served_under_settings_kept

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_blocks")]

HTMX = {"HX-Request": "true"}
ARTICLE = "troubleshooting/symptom.html"
HOSTILE = 'Won\'t <script>alert(1)</script> & "send" {{ x }} %(p)s &amp;'


def _filled_and_rendered(client, monkeypatch, url: str, headers=None) -> str:
    """Return the page at ``url`` filled into its shape, having held it to the template's."""
    shaped._filled.clear()
    fill, returned = shaped.fill, []

    def recorded(*args, **kwargs):
        returned.append(fill(*args, **kwargs))
        return returned[-1]

    # The first makes the shape, the second fills the one kept.
    with monkeypatch.context() as spied:
        spied.setattr(shaped, "fill", recorded)
        filled = [client.get(url, headers=headers) for _ in range(2)]
    assert len(returned) == 2
    assert None not in returned  # each page filled, none rendered instead
    with monkeypatch.context() as switched_off:
        switched_off.setattr(shaped, "fill", lambda *args, **kwargs: None)
        rendered = client.get(url, headers=headers)
    kept = {key[0]: shape for key, shape in shaped._filled.items()}
    assert kept.keys() == {f"{ARTICLE}#main" if headers else ARTICLE}
    assert None not in kept.values()  # filled, not rendered
    for response in filled:
        assert response.status_code == rendered.status_code == 200
        assert response.content == rendered.content
        assert dict(response.headers) == dict(rendered.headers)
    return filled[0].text


def _both(client, monkeypatch, url: str) -> tuple[str, str]:
    """Return the whole article and its fragment, each filled and held to the template's."""
    page = _filled_and_rendered(client, monkeypatch, url)
    fragment = _filled_and_rendered(client, monkeypatch, url, headers=HTMX)
    return page, fragment


class TestTheFilledArticleIsTheTemplatesOwn:
    def test_every_part_shown_with_markup_in_its_words(self, client, monkeypatch):
        topic = make_topic(title=HOSTILE)
        causes = [make_cause(title=HOSTILE) for _ in range(5)]
        steps = [make_step(title=HOSTILE) for _ in range(3)]
        symptom = make_symptom(
            topic=topic,
            steps=steps,
            causes=causes,
            title=HOSTILE,
            summary=HOSTILE,
            next_moves="Ask **your carrier**.",
        )
        make_issue(symptoms=[symptom])
        page, fragment = _both(client, monkeypatch, symptom.get_absolute_url())
        for html in (page, fragment):
            assert "Won&#x27;t &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;send&quot;" in html
            assert "{{ x }} %(p)s &amp;amp;" in html
            assert 'class="known-issue"' in html
            assert "3 fixes, quick and safe ones first" in html
            assert "<strong>your carrier</strong>" in html
            assert "<strong>support</strong>" in html
        assert '<link rel="canonical" href="http://testserver/' in page
        assert 'hreflang="x-default"' in page
        assert "<title>" not in page.split("<body", 1)[1]
        assert 'hx-swap-oob="true"' in fragment

    def test_an_article_with_nothing_yet_and_one_with_one_step(self, client, monkeypatch):
        bare = make_symptom(topic=make_topic(escalation=""), summary="", body="")
        page, fragment = _both(client, monkeypatch, bare.get_absolute_url())
        for html in (page, fragment):
            assert "There are no published fixes for this problem yet." in html
            assert "Likely causes" not in html
            assert "Start the guided fix" not in html
        assert '<meta name="description"' not in page
        one = make_symptom(steps=[make_step()])
        page, fragment = _both(client, monkeypatch, one.get_absolute_url())
        for html in (page, fragment):
            assert "1 fix, quick and safe ones first" in html
            assert "(1 step)" in html

    def test_in_spanish_and_french_translated_or_not(self, client, monkeypatch):
        steps = [make_step(), make_step()]
        symptom = make_symptom(steps=steps, causes=[make_cause()])
        # Made before any page: a response leaves its language active in the test's thread.
        url = symptom.get_absolute_url()
        for language in ("es", "fr"):
            for html in _both(client, monkeypatch, f"/{language}{url}"):
                assert 'class="untranslated-notice"' in html
        translate(symptom.topic)
        translate(symptom)
        for item in (*steps, *symptom.causes.all()):
            translate(item)
        translated = client.get(f"/es{url}", follow=True).redirect_chain[-1][0]
        for html in _both(client, monkeypatch, translated):
            assert 'class="untranslated-notice"' not in html
            assert f"[es] {symptom.title}" in html


def test_a_history_restore_and_a_preview_are_rendered(client, monkeypatch, admin_client):
    symptom = make_symptom(steps=[make_step()])
    url = symptom.get_absolute_url()
    shaped._filled.clear()
    restore = {**HTMX, "HX-History-Restore-Request": "true"}
    whole = client.get(url, headers=restore)
    assert whole.status_code == 200
    assert "<title>" in whole.text.split("<body", 1)[1]  # htmx's request: its title too
    admin_client.get("/preview/", {"next": "/"})
    preview = admin_client.get(url)
    assert preview.status_code == 200
    assert "Stop previewing" in preview.text
    assert not shaped._filled


def test_each_place_the_site_is_served_under_has_its_own_links(client):
    symptom = make_symptom(steps=[make_step()])
    url = symptom.get_absolute_url()
    assert client.get(url).status_code == 200  # the static files' address read at the root
    shaped._filled.clear()
    for prefix, other in (("/help", "/mirror"), ("/mirror", "/help")):
        page = served_under_settings_kept(client, prefix, url)
        fragment = served_under_settings_kept(client, prefix, url, HTTP_HX_REQUEST="true")
        for html in (page, fragment):
            assert f'href="{prefix}/"' in html  # the breadcrumb's home, kept text around values
            assert f'"{other}/' not in html
        assert f'action="{prefix}/search/"' in page  # the frame's search form
    assert len(shaped._filled) == 4  # filled, each place's own

"""Languages in the address: English where it always was, Spanish under /es/, French under /fr/.

What a visitor and a crawler notice: where each page is, which language it says it is in, the
switcher to the same page in another language, and the alternates that tie the versions together.
"""

import re
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import make_symptom, make_topic
from tests.troubleshooting.translation_factories import translate
from troubleshooting import languages
from troubleshooting.addresses import Addresses
from troubleshooting.flow import Flow
from troubleshooting.models import TRANSLATION_MODELS
from troubleshooting.translating import overlay

pytestmark = pytest.mark.django_db

LANGUAGE_CODES = ["en-gb", "es", "fr"]
PREFIXES = {"en-gb": "", "es": "/es", "fr": "/fr"}


def html_lang(html: str) -> tuple[str, str]:
    """Return the page's ``<html lang>`` and ``dir``."""
    match = re.search(r'<html lang="([^"]+)" dir="([^"]+)">', html)
    assert match, "no <html lang dir>"
    return match.group(1), match.group(2)


def switcher(html: str) -> dict[str, tuple[str, bool]]:
    """Return the switcher's links by ``hreflang``: (address, marked as the current one)."""
    nav = re.search(r'<nav id="language-switcher".*?</nav>', html, re.S)
    assert nav, "no language switcher"
    links = re.findall(r"<a ([^>]*)>", nav.group(0))
    found = {}
    for link in links:
        attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', link))
        assert attributes["lang"] == attributes["hreflang"]
        current = attributes.get("aria-current") == "page"
        found[attributes["hreflang"]] = (unescape(attributes["href"]), current)
    return found


def alternates(html: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    return {hreflang: unescape(href) for hreflang, href in found}


def canonical(html: str) -> str:
    return unescape(re.search(r'<link rel="canonical" href="([^"]*)"', html).group(1))


def english(build, *args):
    """Return an address built in English (a request leaves its language on for the thread)."""
    with translation.override("en-gb"):
        return build(*args)


def pages(guide) -> list[str]:
    """The English addresses of every kind of public page, as links made before languages."""
    topic, symptom, _, question = guide
    with translation.override("en-gb"):
        flow = Flow.for_symptom(symptom)
        return [
            "/",
            topic.get_absolute_url(),
            symptom.get_absolute_url(),
            question.get_absolute_url(),
            flow.step_url(1, ""),
            flow.fixed_url("y"),
            f"/search/?q={symptom.title.split()[0]}",
            "/known-issues/",
        ]


class TestAddresses:
    def test_every_english_address_still_works_in_english(self, client, guide):
        for url in pages(guide):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
            assert response.status_code == 200, url
            assert html_lang(response.content.decode()) == ("en-gb", "ltr"), url

    @pytest.mark.parametrize("code", ["es", "fr"])
    def test_every_page_has_its_address_in_each_language(self, client, guide, code):
        for url in pages(guide):
            response = client.get(f"/{code}{url}")
            assert response.status_code == 200, url
            assert html_lang(response.content.decode()) == (code, "ltr"), url

    def test_a_first_visit_is_never_sent_elsewhere_by_its_browser_language(self, client, guide):
        for header in ("es", "fr-CA,fr;q=0.8", "de"):
            response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
            assert response.status_code == 200
            assert html_lang(response.content.decode())[0] == "en-gb"
        response = client.get("/es/", HTTP_ACCEPT_LANGUAGE="fr")
        assert html_lang(response.content.decode())[0] == "es"

    def test_neither_the_browser_nor_a_cookie_changes_an_unprefixed_address(self, client, guide):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        for url in ("/search/?q=imessage", "/nothing-here/"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
            assert html_lang(response.content.decode())[0] == "en-gb", url

    def test_no_page_tells_caches_it_depends_on_the_browsers_languages(self, client, guide):
        for url in ("/", "/es/", "/fr/", "/health/", "/nothing-here/"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
            assert "accept-language" not in response.get("Vary", "").lower(), url
        # What it does depend on: htmx, and (a page kept gzipped) the encodings taken.
        assert client.get("/")["Vary"] == "HX-Request, Accept-Encoding"
        assert client.get("/fr/")["Content-Language"] == "fr"

    def test_the_admin_speaks_each_editors_browser_language(self, client):
        response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        assert html_lang(response.content.decode())[0] == "fr"
        assert "accept-language" in response["Vary"].lower()
        english = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de")
        assert html_lang(english.content.decode())[0] == "en-gb"

    def test_a_language_cookie_does_not_change_an_address_either(self, client, guide):
        client.cookies["django_language"] = "fr"
        assert html_lang(client.get("/").content.decode())[0] == "en-gb"
        assert html_lang(client.get("/es/").content.decode())[0] == "es"

    def test_a_language_without_its_slash_gets_one(self, client, guide):
        response = client.get("/es")
        assert response.status_code == 301
        assert response["Location"] == "/es/"

    def test_machines_have_one_address_each(self, client, guide):
        for url in ("/health/", "/robots.txt", "/sitemap.xml"):
            assert client.get(url).status_code == 200, url
            for code in ("es", "fr"):
                assert client.get(f"/{code}{url}").status_code == 404, url

    def test_the_admin_stays_where_it_was(self, client):
        assert client.get("/admin/").status_code == 302
        assert client.get("/admin/login/").status_code == 200
        assert client.get("/es/admin/").status_code == 404

    def test_unknown_addresses_are_404_pages_in_their_language(self, client, guide):
        for url, code in [("/nothing-here/", "en-gb"), ("/es/nada/", "es"), ("/fr/rien/", "fr")]:
            response = client.get(url)
            assert response.status_code == 404
            assert html_lang(response.content.decode())[0] == code

    def test_a_refused_address_gets_its_400_page_in_its_own_language(self, client, guide):
        client.get("/es/")  # the last language this thread served
        for url, code in [("/fr/?q=%00", "fr"), ("/?q=%00", "en-gb"), ("/es/?q=%00", "es")]:
            response = client.get(url)
            assert response.status_code == 400
            assert html_lang(response.content.decode())[0] == code

    def test_an_unsupported_language_prefix_is_a_404_not_an_error(self, client, guide):
        for url in ("/de/", "/es-mx/", "/fr-ca/anything/", "/zz-zz-zz/"):
            assert client.get(url).status_code == 404, url

    def test_a_language_page_adds_at_most_one_query_per_kind_it_translates(self, client, guide):
        for url in pages(guide):
            counts = []
            for code in LANGUAGE_CODES:
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(PREFIXES[code] + url)
                assert response.status_code == 200
                counts.append(len(queries))
            # Each kind of item a page shows (topic, symptom, step, cause, question) finds its
            # translations in one query, however many items there are, and each slug in the
            # address (topic, symptom) is looked up in the language once.
            extra = len(TRANSLATION_MODELS) + 2
            assert counts[1] <= counts[0] + extra and counts[2] <= counts[0] + extra, (url, counts)


class TestSwitcher:
    @pytest.mark.parametrize("code", LANGUAGE_CODES)
    def test_it_leads_to_the_same_page_in_each_language(self, client, guide, code):
        article = english(guide[1].get_absolute_url)
        url = PREFIXES[code] + article
        links = switcher(client.get(url).content.decode())
        assert links == {
            other: (PREFIXES[other] + article, other == code) for other in LANGUAGE_CODES
        }

    def test_names_each_language_in_its_own_words(self, client, guide):
        html = client.get("/").content.decode()
        assert '<nav id="language-switcher" class="language-switcher" aria-label="' in html
        for name in ("English", "Español", "Français"):
            assert f">{name}</a>" in html

    def test_keeps_the_state_of_a_guided_fix(self, client, guide):
        step = english(lambda: Flow.for_symptom(guide[1]).step_url(2, "n"))
        links = switcher(client.get(f"/fr{step}").content.decode())
        assert links["es"] == (f"/es{step}", False)
        assert links["en-gb"] == (step, False)
        assert links["fr"] == (f"/fr{step}", True)

    def test_keeps_a_search(self, client, guide):
        word = guide[1].title.split()[0]
        links = switcher(client.get(f"/search/?q={word}").content.decode())
        assert links["es"][0] == f"/es/search/?q={word}"

    def test_carries_each_persons_session_not_the_first_visitors(self, client, guide):
        step = english(lambda: Flow.for_symptom(guide[1]).step_url(1, ""))
        for session in ("a" * 22, "b" * 22):
            url = f"/es{step}{'&' if '?' in step else '?'}s={session}"
            links = switcher(client.get(url).content.decode())
            assert f"s={session}" in links["fr"][0]

    def test_comes_with_each_htmx_fragment_so_it_follows_the_page(self, client, guide):
        article = english(guide[1].get_absolute_url)
        html = client.get(f"/es{article}", HTTP_HX_REQUEST="true")
        html = html.content.decode()
        assert "<html" not in html
        assert 'id="language-switcher"' in html and 'hx-swap-oob="true"' in html
        assert switcher(html)["fr"] == (f"/fr{article}", False)
        assert switcher(html)["es"][1] is True

    def test_is_on_error_pages_too(self, client, guide):
        links = switcher(client.get("/es/nada/").content.decode())
        assert links["es"][1] is True
        assert links["fr"][0].startswith("/fr/")


class TestSearchEngines:
    @pytest.mark.parametrize("code", LANGUAGE_CODES)
    def test_every_page_names_its_alternates_and_its_own_canonical(self, client, guide, code):
        for url in pages(guide)[:4]:
            html = client.get(PREFIXES[code] + url).content.decode()
            expected = {other: f"http://testserver{PREFIXES[other]}{url}" for other in PREFIXES}
            assert alternates(html) == {**expected, "x-default": f"http://testserver{url}"}
            assert canonical(html) == f"http://testserver{PREFIXES[code]}{url}"

    def test_a_guided_fix_step_points_to_its_article_in_each_language(self, client, guide):
        article = english(guide[1].get_absolute_url)
        step = english(lambda: Flow.for_symptom(guide[1]).step_url(2, "n"))
        html = client.get(f"/es{step}").content.decode()
        assert canonical(html) == f"http://testserver/es{article}"
        assert alternates(html)["fr"] == f"http://testserver/fr{article}"

    def test_the_sitemap_lists_a_translated_page_in_every_language_with_its_alternates(
        self, client, guide
    ):
        for item in guide[:2]:
            for code in ("es", "fr"):
                translate(item, code, slug=item.slug)  # the same address under each prefix
        article = english(guide[1].get_absolute_url)
        xml = client.get("/sitemap.xml").content.decode()
        for code in LANGUAGE_CODES:
            assert f"<loc>http://testserver{PREFIXES[code]}{article}</loc>" in xml
            assert (
                f'<xhtml:link rel="alternate" hreflang="{code}" '
                f'href="http://testserver{PREFIXES[code]}{article}"/>'
            ) in xml
        assert (
            f'<xhtml:link rel="alternate" hreflang="x-default" href="http://testserver{article}"/>'
        ) in xml
        assert "<loc>http://testserver/es/</loc>" in xml

    def test_robots_txt_names_the_one_sitemap(self, client):
        text = client.get("/robots.txt").content.decode()
        assert "Sitemap: http://testserver/sitemap.xml" in text


class TestSlugs:
    @pytest.mark.parametrize("slug", ["es", "fr", "ES", "en", "en-gb", "fr-ca", "es-mx"])
    def test_a_topic_can_not_take_a_languages_address(self, slug):
        topic = _unsaved_topic(slug)
        with pytest.raises(ValidationError) as refused:
            topic.full_clean()
        assert "language" in str(refused.value.message_dict["slug"])

    @pytest.mark.parametrize("slug", ["essentials", "french-keyboard", "esim", "frozen"])
    def test_words_that_merely_start_like_a_language_are_fine(self, slug):
        topic = _unsaved_topic(slug)
        topic.full_clean()


def _unsaved_topic(slug: str):
    """Return a topic renamed to ``slug``, not yet saved: as an editor's form has it."""
    topic = make_topic(slug=f"{slug}-saved-first")
    topic.slug = slug
    return topic


class TestLanguages:
    def test_the_source_comes_first_and_each_is_named_in_its_own_words(self):
        assert [(each.code, each.name) for each in languages.languages()] == [
            ("en-gb", "English"),
            ("es", "Español"),
            ("fr", "Français"),
        ]

    def test_browsers_english_variants_negotiate_to_the_sites_english(self):
        for code in ("en", "en-us", "en-au"):
            assert translation.get_supported_language_variant(code) == "en-gb"

    def test_an_address_in_any_language_gives_every_other(self, guide):
        article = english(guide[1].get_absolute_url)
        for code in LANGUAGE_CODES:
            assert languages.addresses(PREFIXES[code] + article + "?x=1#steps") == {
                other: f"{PREFIXES[other]}{article}?x=1#steps" for other in LANGUAGE_CODES
            }

    def test_outside_a_request_a_new_translation_shows_in_addresses_at_once(self, guide):
        """A command that translates content and then writes addresses sees its own change."""
        article = english(guide[1].get_absolute_url)
        assert languages.address_in(article, "es") == f"/es{article}"
        translate(guide[1], slug="no-se-entrega")
        assert languages.address_in(article, "es").endswith("/no-se-entrega/")

    def test_an_address_that_is_no_page_gives_each_languages_home(self):
        assert languages.addresses("/es/nada/de/nada/nada/") == {
            "en-gb": "/",
            "es": "/es/",
            "fr": "/fr/",
        }


class TestContentLinks:
    def test_a_link_to_a_page_in_another_language_is_checked_in_that_language(self, guide):
        from troubleshooting.content_checks.links import _judge_link
        from troubleshooting.content_checks.site import Site

        article = english(guide[1].get_absolute_url)
        site = Site.load()
        for code in LANGUAGE_CODES:
            assert _judge_link(site, PREFIXES[code] + article) is None, code
        assert _judge_link(site, "/es/no-such-topic/") is not None


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/es/",
        "/es/messages/",
        "/fr/a",
        "/en-gb/",
        "/es",
        "/ES/messages/",
        "/Es/x/",
        "/es-mx/messages/",
        "/en/",
        "/de/x/",
        "/messages/not-delivered/",
        "//es/",
        "es/x/",
        "",
    ],
)
def test_an_address_is_in_the_language_django_reads_from_its_prefix_as_written(path):
    prefixed = translation.get_language_from_path(path)
    expected = prefixed if prefixed and path.startswith(f"/{prefixed}/") else "en-gb"
    assert languages.language_of_path(path) == expected


def test_an_address_in_a_language_switched_off_is_read_as_the_source_language(settings):
    assert languages.language_of_path("/fr/x/") == "fr"
    settings.LANGUAGES = [("en-gb", "English"), ("es", "Español")]
    assert languages.language_of_path("/fr/x/") == "en-gb"
    assert languages.language_of_path("/es/x/") == "es"


def test_an_article_and_topic_from_the_pages_addresses_are_their_own_addresses():
    symptom = make_symptom()
    translate(symptom.topic, slug="mensajes")
    translate(symptom, slug="no-se-entrega")
    for language in ("en-gb", "es"):
        with translation.override(language):
            overlay(symptom, symptom.topic)
            expected = symptom.get_absolute_url()
            assert symptom.get_absolute_url(at=Addresses()) == expected
            topic = symptom.topic.get_absolute_url()
            assert symptom.topic.get_absolute_url(at=Addresses()) == topic
    assert expected == "/es/mensajes/no-se-entrega/"
    assert topic == "/es/mensajes/"

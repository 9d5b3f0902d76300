"""A page's addresses in every language, worked out without switching languages on each time.

The switcher and the ``hreflang`` alternates are rendered from shapes (``shaped.py``) and each
language's address from its shape (``addresses.kwargs_url_in``): what the pages show must stay
exactly what the templates and ``reverse()`` give, whatever the slugs, prefix or languages.
"""

from unittest import mock
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import OperationalError
from django.template.loader import get_template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from tests.factories import make_symptom
from tests.troubleshooting.test_languages import (
    LANGUAGE_CODES,
    PREFIXES,
    alternates,
    english,
    switcher,
)
from tests.troubleshooting.translation_factories import translate
from troubleshooting import addresses, languages, middleware, shaped, translating
from troubleshooting.flow import Flow
from troubleshooting.templatetags import languages as language_tags

pytestmark = pytest.mark.django_db

LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "twice.html": "<a href='{{ a }}'>{{ a }}</a>",
                        "unused.html": "<p>{% if a %}an address{% endif %}</p>",
                        "once.html": "<a href='{{ a }}'>{{ words }}</a>",
                        "around.html": "<a href='{{ b }}'>{{ a }}</a><i>{{ b }}</i>",
                    },
                )
            ]
        },
    }
]


def served_under(client, script_name: str, path: str, **headers) -> str:
    """Return the page at ``path`` served behind ``script_name``, as Django's WSGI handler does.

    The test client passes ``SCRIPT_NAME`` on but leaves the thread's script prefix alone; the
    handler sets it from ``SCRIPT_NAME`` for the request.
    """
    # Django adds the script prefix active when STATIC_URL is first read to it, and keeps it:
    # overridden here, the prefixed value is dropped again for the tests that follow.
    with override_settings(STATIC_URL=settings.STATIC_URL):
        return served_under_settings_kept(client, script_name, path, **headers)


def served_under_settings_kept(client, script_name: str, path: str, **headers) -> str:
    """Return ``served_under()``'s page, changing no setting: what is kept for the settings (the
    pages' shapes) stays kept. STATIC_URL must have been read outside the prefix already."""
    set_script_prefix(f"{script_name}/")
    try:
        response = client.get(path, SCRIPT_NAME=script_name, **headers)
    finally:
        set_script_prefix("/")
    assert response.status_code == 200
    return response.content.decode()


def one_address(values: tuple, urls: tuple[str, ...]) -> dict:
    return {"words": values[0], "a": urls[0]}


class TestShapes:
    @pytest.mark.parametrize("current", LANGUAGE_CODES)
    @pytest.mark.parametrize("oob", [False, True])
    def test_the_switcher_is_what_its_template_renders(self, current, oob):
        urls = ("/?q=a&b=<c>", '/es/"x"/?q=caf%C3%A9', "/fr/é/#steps")
        with translation.override(current):
            for _ in range(2):  # the shape learnt, then used
                shown = shaped.render(
                    language_tags.SWITCHER, (current, oob), urls, language_tags._switcher_context
                )
            context = language_tags._switcher_context((current, oob), urls)
            assert shown == get_template(language_tags.SWITCHER).render(context)
        assert "/?q=a&amp;b=&lt;c&gt;" in shown and "/es/&quot;x&quot;/" in shown

    @override_settings(TEMPLATES=LOCMEM)
    @pytest.mark.parametrize("name", ["twice.html", "unused.html"])
    def test_a_template_not_printing_each_address_once_is_rendered_every_time(self, name):
        for url in ("/a/", "/b/?x=1&y=2"):
            shown = shaped.render(name, ("words",), (url,), one_address)
            assert shown == get_template(name).render(one_address(("words",), (url,)))

    @override_settings(TEMPLATES=LOCMEM)
    def test_an_address_printed_on_both_sides_of_another_is_never_a_stand_in(self):
        def two(values, urls):
            return {"a": urls[0], "b": urls[1]}

        for urls in (("/a/", "/b/"), ("/c/", "/d/")):
            shown = shaped.render("around.html", (), urls, two)
            assert shown == get_template("around.html").render(two((), urls))
            assert "zqx" not in shown

    @override_settings(TEMPLATES=LOCMEM)
    def test_a_shape_is_kept_per_language_and_values(self):
        for code in LANGUAGE_CODES:
            with translation.override(code):
                assert shaped.render("once.html", (code,), ("/x/",), one_address) == (
                    f"<a href='/x/'>{code}</a>"
                )
        assert shaped.render("once.html", ("other",), ("/y/",), one_address) == (
            "<a href='/y/'>other</a>"
        )

    @pytest.mark.parametrize(
        "url",
        [
            "/es/mensajes/",
            "/search/?q=caf%C3%A9&x=1",
            "/é/ü?q=a b",
            "/a/./b/",
            "/a/../b/",
            "//x/y",
            # Every character the fast path keeps as it is, and some it must leave to Django.
            "/a-b_c.d~/e#f%41[g]=h:i;j$k&l(m)n+o,p!q?r*s@t'u",
            '/a%zz/b%/{c}|d\\e^f`g"h<i>j',
        ],
    )
    def test_an_alternate_is_what_build_absolute_uri_gives(self, rf, url):
        request = rf.get("/", HTTP_HOST="localhost:8000")
        origin = request.build_absolute_uri("/").removesuffix("/")
        assert language_tags._absolute(origin, url, request) == request.build_absolute_uri(url)

    @pytest.mark.parametrize("address", ["/a/?q=1&b=2", '/"x"/<y>/', "/fr/é/'z'"])
    def test_an_address_is_escaped_as_autoescaping_escapes_it(self, address):
        assert shaped._escaped(address) == conditional_escape(address)
        assert shaped._escaped(SafeString(address)) == address  # already HTML: as it is


class TestAddressesInLanguages:
    def test_no_language_is_switched_on_once_each_shape_is_learnt(self, guide):
        article = english(guide[1].get_absolute_url)
        first = languages.addresses(article)
        with mock.patch.object(addresses, "override") as switching:
            assert languages.addresses(f"/fr{article}") == first
        switching.assert_not_called()

    @pytest.mark.parametrize("code", LANGUAGE_CODES)
    def test_each_address_is_what_reverse_gives_in_that_language(self, guide, code):
        place = addresses.address_place()
        slugs = {"topic_slug": guide[0].slug, "symptom_slug": guide[1].slug}
        for name, kwargs in (("troubleshooting:symptom", slugs), ("troubleshooting:home", {})):
            for _ in range(2):  # the shape learnt, then used
                shaped_url = addresses.kwargs_url_in(place, code, name, kwargs)
            with translation.override(code):
                assert shaped_url == reverse(name, kwargs=kwargs)

    @pytest.mark.parametrize("slug", ["café", "a b", ""])
    def test_a_slug_reverse_refuses_is_refused_in_every_language(self, guide, slug):
        kwargs = {"topic_slug": guide[0].slug, "symptom_slug": slug}
        for code in LANGUAGE_CODES:
            with pytest.raises(NoReverseMatch):
                addresses.kwargs_url_in(
                    addresses.address_place(), code, "troubleshooting:symptom", kwargs
                )

    def test_arguments_no_address_takes_raise_reverses_no_reverse_match(self):
        with pytest.raises(NoReverseMatch):
            addresses.kwargs_url_in(
                addresses.address_place(), "es", "troubleshooting:home", {"x": 1}
            )

    def test_behind_a_script_prefix_every_language_keeps_it(self, guide):
        article = english(guide[1].get_absolute_url)
        set_script_prefix("/help/")
        try:
            assert languages.addresses(article) == {
                code: f"/help{PREFIXES[code]}{article}" for code in LANGUAGE_CODES
            }
        finally:
            set_script_prefix("/")

    def test_a_page_behind_a_script_prefix_links_and_alternates_under_it(self, client, guide):
        article = english(guide[1].get_absolute_url)
        translate(guide[1], "es", slug="no-se-entrega")
        spanish = article.replace(guide[1].slug, "no-se-entrega")
        html = served_under(client, "/help", f"/es{spanish}")
        assert switcher(html) == {
            "en-gb": (f"/help{article}", False),
            "es": (f"/help/es{spanish}", True),
            "fr": (f"/help/fr{article}", False),
        }
        assert alternates(html)["fr"] == f"http://testserver/help/fr{article}"
        assert alternates(html)["x-default"] == f"http://testserver/help{article}"
        set_script_prefix("/help/")
        try:  # a link the site made, as the sitemap asks for it in another language
            assert languages.address_in(f"/help/es{spanish}", "fr") == f"/help/fr{article}"
        finally:
            set_script_prefix("/")

    def test_the_admin_behind_a_script_prefix_speaks_the_editors_language(self, client):
        middleware._admin_prefix.cache_clear()  # learnt behind the prefix, as a server would
        html = served_under(client, "/help", "/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
        assert '<html lang="es"' in html
        assert served_under(client, "/help", "/es/").count('<html lang="es"') == 1

    def test_a_changed_language_list_is_seen_with_its_direction(self):
        with override_settings(LANGUAGES=[("en-gb", "English"), ("ar", "العربية")]):
            assert [(each.code, each.bidi) for each in languages.languages()] == [
                ("en-gb", False),
                ("ar", True),
            ]
        assert [each.code for each in languages.languages()] == LANGUAGE_CODES


class TestPagesAfterAnEdit:
    def test_a_renamed_translated_slug_shows_in_the_switcher_and_alternates_at_once(
        self, client, guide
    ):
        article = english(guide[1].get_absolute_url)
        spanish = translate(guide[1], "es", slug="no-se-entrega")
        renamed = article.replace(guide[1].slug, "no-llega")
        html = client.get(f"/fr{article}").content.decode()
        assert switcher(html)["es"][0] == f"/es{article.replace(guide[1].slug, 'no-se-entrega')}"
        spanish.slug = "no-llega"
        spanish.save()
        for url in (f"/fr{article}", f"/es{renamed}", article):
            html = client.get(url).content.decode()
            assert switcher(html)["es"][0] == f"/es{renamed}", url
            assert alternates(html)["es"] == f"http://testserver/es{renamed}", url
            assert alternates(html)["fr"] == f"http://testserver/fr{article}", url

    def test_a_fragment_of_a_translated_step_carries_the_translated_addresses(self, client, guide):
        translate(guide[1], "es", slug="no-se-entrega")
        step = english(lambda: Flow.for_symptom(guide[1]).step_url(2, "n"))
        html = client.get(f"/fr{step}", HTTP_HX_REQUEST="true").content.decode()
        links = switcher(html)
        assert links["es"] == (f"/es{step.replace(guide[1].slug, 'no-se-entrega')}", False)
        assert links["fr"] == (f"/fr{step}", True)

    @override_settings(LANGUAGES=[("en-gb", "English"), ("ar", "العربية")])
    def test_a_right_to_left_language_is_offered_and_read_right_to_left(self, client, guide):
        html = client.get("/ar/").content.decode()
        assert '<html lang="ar" dir="rtl">' in html
        assert switcher(html) == {"en-gb": ("/", False), "ar": ("/ar/", True)}
        assert alternates(html)["ar"] == "http://testserver/ar/"


def test_the_switcher_keeps_a_query_that_needs_quoting_as_the_page_was_asked(client):
    html = client.get(reverse("troubleshooting:search"), {"q": "a b/é"}).text
    with translation.override("es"):
        spanish = reverse("troubleshooting:search")
    assert f'href="{spanish}?{urlencode({"q": "a b/é"})}"' in html


def test_a_language_the_page_has_no_address_in_gets_its_home_page_the_others_keep_theirs():
    symptom = make_symptom()
    url = f"{symptom.get_absolute_url()}?via=wifi"
    real = addresses.kwargs_url_in

    def refusing_french(place, language, name, kwargs):
        if language == "fr" and name != "troubleshooting:home":
            raise NoReverseMatch(name)
        return real(place, language, name, kwargs)

    with mock.patch.object(languages, "kwargs_url_in", refusing_french):
        found = languages.addresses(url)
    assert found["fr"] == "/fr/"
    assert found["es"] == f"/es{symptom.get_absolute_url()}?via=wifi"
    assert found[settings.LANGUAGE_CODE] == url


def test_while_the_slugs_cannot_be_read_every_language_links_to_the_english_slugs():
    symptom = make_symptom()
    translate(symptom, "es")
    url = symptom.get_absolute_url()
    assert languages.addresses(url)["es"] == f"/es{url.replace(symptom.slug, symptom.slug + '-es')}"
    with mock.patch.object(translating, "_book", side_effect=OperationalError("down")):
        found = languages.addresses(url)
    assert found == {
        code: f"/{code}{url}" if code != settings.LANGUAGE_CODE else url
        for code, _ in settings.LANGUAGES
    }

"""Addresses built from slugs are exactly what ``reverse()`` gives, at a fraction of its cost."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils import translation

from troubleshooting.addresses import Addresses, slug_url


@pytest.mark.parametrize(
    ("name", "slugs"),
    [
        ("troubleshooting:topic", ["messages"]),
        ("troubleshooting:symptom", ["messages", "not-delivered"]),
        ("troubleshooting:flow_begin", ["messages", "stuck_on-sending-2"]),
        ("troubleshooting:flow_question", ["messages", "which-bubble"]),
        ("troubleshooting:flow_start", ["zzslot0zz"]),  # a slug spelled like the stand-in
    ],
)
def test_slug_url_is_what_reverse_gives(name, slugs):
    assert slug_url(name, *slugs) == reverse(name, args=slugs)
    assert slug_url(name, *slugs) == reverse(name, args=slugs)  # from the remembered shape


def test_a_value_that_is_not_a_plain_slug_goes_through_reverse():
    with pytest.raises(NoReverseMatch):  # as reverse() refuses it, not a made-up address
        slug_url("troubleshooting:topic", "café")


def test_the_script_prefix_is_kept():
    try:
        set_script_prefix("/help/")
        assert slug_url("troubleshooting:topic", "messages") == "/help/messages/"
    finally:
        set_script_prefix("/")
    assert slug_url("troubleshooting:topic", "messages") == "/messages/"


@override_settings(ROOT_URLCONF="bench.urls")
def test_a_changed_urlconf_is_followed():
    assert slug_url("troubleshooting:topic", "messages") == reverse(
        "troubleshooting:topic", args=["messages"]
    )


# Addresses under language prefixes, as the site's URLconf will have them with i18n patterns.
urlpatterns = i18n_patterns(path("", include("troubleshooting.urls")))


@override_settings(ROOT_URLCONF=__name__, LANGUAGES=[("en-gb", "English"), ("fr", "French")])
def test_each_language_has_its_own_addresses():
    for language in ("en-gb", "fr", "en-gb"):
        with translation.override(language):
            expected = reverse("troubleshooting:symptom", args=["messages", "not-delivered"])
            assert expected.startswith(f"/{language}/")
            assert slug_url("troubleshooting:symptom", "messages", "not-delivered") == expected
            book = Addresses()
            assert book.slug_url("troubleshooting:symptom", "messages", "not-delivered") == expected


def test_a_book_of_addresses_gives_what_reverse_gives():
    book = Addresses()
    assert book.slug_url("troubleshooting:topic", "messages") == reverse(
        "troubleshooting:topic", args=["messages"]
    )
    with pytest.raises(NoReverseMatch):
        book.slug_url("troubleshooting:topic", "café")

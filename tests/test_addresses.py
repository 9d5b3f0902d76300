"""Addresses built from slugs are exactly what ``reverse()`` gives, at a fraction of its cost."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, reverse, set_script_prefix
from django.utils import translation

from troubleshooting.addresses import Addresses, kwargs_url, slug_url


@pytest.mark.parametrize(
    ("name", "slugs"),
    [
        ("troubleshooting:topic", ["messages"]),
        ("troubleshooting:symptom", ["messages", "not-delivered"]),
        ("troubleshooting:flow_begin", ["messages", "stuck_on-sending-2"]),
        ("troubleshooting:flow_question", ["messages", "which-bubble"]),
        ("troubleshooting:flow_start", ["zzslot0zz"]),
        ("troubleshooting:flow_start", ["9700"]),  # a slug spelled like the stand-in
        ("troubleshooting:flow_step", ["messages", "not-delivered", "3"]),  # and a number
        ("troubleshooting:flow_step", ["messages", "9701", "9702"]),
    ],
)
def test_slug_url_is_what_reverse_gives(name, slugs):
    assert slug_url(name, *slugs) == reverse(name, args=slugs)
    assert slug_url(name, *slugs) == reverse(name, args=slugs)  # from the remembered shape


@pytest.mark.parametrize(
    "kwargs",
    [
        {"topic_slug": "messages"},
        {"topic_slug": "messages", "symptom_slug": "not-delivered", "number": 12},
        {"number": 2, "symptom_slug": "not-delivered", "topic_slug": "messages"},  # any order
    ],
)
def test_kwargs_url_is_what_reverse_gives(kwargs):
    name = "troubleshooting:flow_step" if "number" in kwargs else "troubleshooting:topic"
    for _ in range(2):  # the shape worked out, then remembered
        assert kwargs_url(name, kwargs) == reverse(name, kwargs=kwargs)
    with pytest.raises(NoReverseMatch):  # as reverse() refuses them
        kwargs_url(name, {**kwargs, "topic_slug": "café"})
    with pytest.raises(NoReverseMatch):
        kwargs_url(name, {"no_such_argument": "x"})


def test_a_value_that_is_not_a_plain_slug_goes_through_reverse():
    with pytest.raises(NoReverseMatch):  # as reverse() refuses it, not a made-up address
        slug_url("troubleshooting:topic", "café")


def test_an_address_whose_own_text_holds_a_stand_in_goes_through_reverse():
    try:
        set_script_prefix("/help-9700/")
        assert slug_url("troubleshooting:topic", "messages") == "/help-9700/messages/"
        step = slug_url("troubleshooting:flow_step", "messages", "not-delivered", "2")
        assert step == "/help-9700/messages/not-delivered/fix/2/"
        arguments = {"topic_slug": "messages", "symptom_slug": "not-delivered", "number": 2}
        assert kwargs_url("troubleshooting:flow_step", arguments) == step
    finally:
        set_script_prefix("/")


def test_the_script_prefix_is_kept():
    try:
        set_script_prefix("/help/")
        assert slug_url("troubleshooting:topic", "messages") == "/help/messages/"
    finally:
        set_script_prefix("/")
    assert slug_url("troubleshooting:topic", "messages") == "/messages/"


def test_a_percent_sign_in_the_addresses_own_text_is_kept():
    try:
        set_script_prefix("/help%20centre/")
        for _ in range(2):  # the shape worked out, then remembered
            step = slug_url("troubleshooting:flow_step", "messages", "not-delivered", "2")
            assert step == reverse(
                "troubleshooting:flow_step", args=["messages", "not-delivered", "2"]
            )
            assert "%" in step
    finally:
        set_script_prefix("/")


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


@pytest.mark.parametrize("number", ["0", "007", "10000", "01", 0, "9999", 1])
def test_a_step_number_is_taken_only_as_reverse_takes_it(number):
    arguments = {"topic_slug": "messages", "symptom_slug": "not-delivered", "number": number}
    positional = ["messages", "not-delivered", str(number)]
    for _ in range(2):  # the shape worked out, then remembered
        try:
            expected = reverse("troubleshooting:flow_step", kwargs=arguments)
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                kwargs_url("troubleshooting:flow_step", arguments)
            with pytest.raises(NoReverseMatch):
                slug_url("troubleshooting:flow_step", *positional)
        else:
            assert kwargs_url("troubleshooting:flow_step", arguments) == expected
            assert slug_url("troubleshooting:flow_step", *positional) == expected

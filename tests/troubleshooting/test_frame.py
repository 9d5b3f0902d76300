"""The page frame's ``{% fixed %}`` blocks: rendered once, never showing a page's values."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.test import override_settings
from django.urls import set_script_prefix
from django.utils import translation

from troubleshooting.templatetags import frame

ENGINE = Engine.get_default()


def fixed(text: str):
    """Return a template whose body is ``text`` inside one fixed block."""
    return ENGINE.from_string("{% load frame i18n %}{% fixed %}" + text + "{% endfixed %}")


def test_a_fixed_block_shows_none_of_the_page_s_values():
    template = fixed("[{{ title }}]")

    shown = template.render(Context({"title": "<Secret>"}))

    assert "Secret" not in shown


def test_a_fixed_block_is_rendered_once_per_language_and_kept(monkeypatch):
    template = fixed('{% translate "Search" context "button" %}')
    calls = []
    render = frame.FixedNode.render

    def counting(self, context):
        calls.append(self.kept.copy())
        return render(self, context)

    monkeypatch.setattr(frame.FixedNode, "render", counting)
    with translation.override("es"):
        spanish = [template.render(Context()) for _ in range(3)]
    with translation.override("en-gb"):
        english = template.render(Context())

    assert spanish == ["Buscar"] * 3
    assert english == "Search"
    assert [len(kept) for kept in calls] == [0, 1, 1, 1]


def test_a_fixed_block_follows_the_script_prefix():
    template = fixed("{% url 'troubleshooting:search' %}")
    try:
        set_script_prefix("/help/")
        under_help = template.render(Context())
    finally:
        set_script_prefix("/")

    assert under_help == "/help/search/"
    assert template.render(Context()) == "/search/"


def test_a_fixed_block_keeps_few_versions(monkeypatch):
    monkeypatch.setattr(frame, "MOST_KEPT", 2)
    template = fixed("{% url 'troubleshooting:search' %}")
    try:
        for prefix in ("/a/", "/b/", "/c/", "/d/"):
            set_script_prefix(prefix)
            assert template.render(Context()) == f"{prefix}search/"
    finally:
        set_script_prefix("/")

    node = template.nodelist.get_nodes_by_type(frame.FixedNode)[0]
    assert len(node.kept) == 2


def test_a_changed_setting_drops_what_the_blocks_kept():
    template = fixed("{% load static %}{% static 'css/site.css' %}")
    before = template.render(Context())

    with override_settings(STATIC_URL="/elsewhere/"):
        moved = template.render(Context())

    assert before.endswith("css/site.css")
    assert moved == "/elsewhere/css/site.css"
    assert template.render(Context()) == before


@pytest.mark.parametrize(
    "text",
    ["{% block title %}{% endblock %}", "{% if x %}{% block title %}{% endblock %}{% endif %}"],
)
def test_a_block_can_t_be_fixed(text):
    with pytest.raises(TemplateSyntaxError, match="block"):
        ENGINE.from_string("{% load frame %}{% fixed %}" + text + "{% endfixed %}")


@pytest.mark.parametrize("arguments", ["here", "=1", "count=", "2x=1"])
def test_fixed_takes_only_named_values(arguments):
    with pytest.raises(TemplateSyntaxError, match="name=value"):
        ENGINE.from_string("{% load frame %}{% fixed " + arguments + " %}{% endfixed %}")


def counted(text: str):
    """Return a template whose body is ``text`` in a block given ``count``, the items' number."""
    return ENGINE.from_string(
        "{% load frame i18n %}{% fixed count=items|length %}" + text + "{% endfixed %}"
    )


def test_a_block_with_values_shows_them_alone_and_is_kept_per_value():
    template = counted("[{{ count }}{% if title %} {{ title }}{% endif %}]")
    node = template.nodelist.get_nodes_by_type(frame.FixedNode)[0]

    shown = [template.render(Context({"items": [1] * n, "title": "Secret"})) for n in (2, 3, 2)]

    assert shown == ["[2]", "[3]", "[2]"]
    assert len(node.kept) == 2


def test_values_equal_but_of_other_types_are_kept_apart():
    template = ENGINE.from_string("{% load frame %}{% fixed on=on %}[{{ on }}]{% endfixed %}")

    shown = [template.render(Context({"on": value})) for value in (1, True, 1, False, 0)]

    assert shown == ["[1]", "[True]", "[1]", "[False]", "[0]"]


def test_a_block_with_values_is_in_the_page_s_language_and_plural():
    template = counted(
        "{% blocktranslate trimmed count count=count %}{{ count }} step{% plural %}"
        "{{ count }} steps{% endblocktranslate %}"
    )
    with translation.override("es"):
        spanish = [template.render(Context({"items": [1] * n})) for n in (1, 4)]
    with translation.override("en-gb"):
        english = [template.render(Context({"items": [1] * n})) for n in (1, 4)]

    assert spanish == ["1 paso", "4 pasos"]
    assert english == ["1 step", "4 steps"]


def test_a_block_given_a_value_that_is_not_plain_is_rendered_and_not_kept():
    template = ENGINE.from_string("{% load frame %}{% fixed item=item %}[{{ item }}]{% endfixed %}")
    node = template.nodelist.get_nodes_by_type(frame.FixedNode)[0]

    shown = template.render(Context({"item": ["<b>"]}))

    assert shown == "[[&#x27;&lt;b&gt;&#x27;]]"
    assert node.kept == {}


def test_a_fixed_block_inside_a_language_block_is_in_that_language():
    template = ENGINE.from_string(
        "{% load frame i18n %}{% fixed %}[{% translate 'Search' context 'button' %}]{% endfixed %}"
        "{% language inner %}{% fixed %}[{% translate 'Search' context 'button' %}]{% endfixed %}"
        "{% endlanguage %}"
    )
    with translation.override("en-gb"):
        in_spanish = template.render(Context({"inner": "es"}))
        in_english = template.render(Context({"inner": "en-gb"}))
    assert in_spanish == "[Search][Buscar]"
    assert in_english == "[Search][Search]"

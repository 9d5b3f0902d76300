"""``{% each %}`` gives exactly what ``{% for %}`` gives, whatever the rows hold."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.safestring import mark_safe

ENGINE = Engine.get_default()
BODY = '<li><a href="{{ s.url }}">{{ s.title }}</a> {{ label }}</li>\n'


def both(rows, body=BODY, **context):
    """Return what ``each`` and ``for`` render for the same rows and body."""
    each = ENGINE.from_string("{% load rows %}{% each s in rows %}" + body + "{% endeach %}")
    loop = ENGINE.from_string("{% for s in rows %}" + body + "{% endfor %}")
    values = {"rows": rows, **context}
    return each.render(Context(values)), loop.render(Context(values))


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"url": "/a/?x=1&y=2", "title": 'Says "Delivered" <but> isn\'t'}],
        [{"url": "/a/", "title": mark_safe("<b>kept</b>")}],
        [{"url": "/a/", "title": None}, {"url": 7, "title": 1234.5}],
        [{"url": "/a/", "title": datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)}],
        [{"url": "/a/", "title": translation.gettext_lazy("Search")}],
    ],
    ids=["none", "escaped", "safe", "numbers", "date", "lazy"],
)
def test_each_renders_what_for_renders(rows):
    each, loop = both(rows, label="<Fix & go>")

    assert each == loop


def test_rows_that_are_not_dictionaries_go_through_the_engine():
    rows = [SimpleNamespace(url="/a/", title="<A>"), {"url": "/b/", "title": "B"}]

    each, loop = both(rows, label="x")

    assert each == loop
    assert "&lt;A&gt;" in each


def test_a_row_without_a_key_goes_through_the_engine():
    each, loop = both([{"url": "/a/"}], label="x")

    assert each == loop


def test_missing_rows_render_nothing():
    each, loop = both(None)

    assert each == loop == ""


def test_without_autoescaping_values_are_left_as_they_are():
    body = "{% autoescape off %}{% each s in rows %}{{ s.title }}{% endeach %}{% endautoescape %}"
    template = ENGINE.from_string("{% load rows %}" + body)

    assert template.render(Context({"rows": [{"title": "<b>"}]})) == "<b>"


def test_a_value_from_outside_the_rows_is_rendered_once(monkeypatch):
    calls = []

    class Label:
        def __str__(self):
            calls.append(1)
            return "<label>"

    each, loop = both([{"url": "/a/", "title": "A"}] * 3, label=Label())

    assert each == loop
    assert "&lt;label&gt;" in each
    assert len(calls) == 1 + 3  # once for each, once a row for for


@pytest.mark.parametrize(
    "body",
    [
        "{{ s.title|upper }}",
        "{{ s.topic.title }}",
        "{{ s }}",
        "{% if s.title %}x{% endif %}",
        "{{ forloop.counter }}",
        "{{ label|default:'' }}",
    ],
)
def test_each_holds_only_text_and_plain_values(body):
    with pytest.raises(TemplateSyntaxError, match="'each' holds only"):
        ENGINE.from_string("{% load rows %}{% each s in rows %}" + body + "{% endeach %}")


@pytest.mark.parametrize("tag", ["{% each s rows %}", "{% each s of rows %}", "{% each %}"])
def test_each_is_written_row_in_rows(tag):
    with pytest.raises(TemplateSyntaxError, match="is written"):
        ENGINE.from_string("{% load rows %}" + tag + "{% endeach %}")

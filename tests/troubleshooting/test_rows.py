"""``{% link_items %}`` gives the links ``{% for %}`` gave, every value escaped."""

import pytest
from django.template import Context, Engine

ENGINE = Engine.get_default()
LOOP = ENGINE.from_string(
    '{% for s in rows %}<li><a href="{{ s.url }}" hx-get="{{ s.url }}">{{ s.title }}</a></li>'
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)
TAG = ENGINE.from_string("{% load rows %}{% link_items rows %}")


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"url": "/messages/not-delivered/", "title": "Says “Not Delivered”"}],
        [{"url": "/a/?x=1&y=2", "title": 'Says "Delivered" <but> isn\'t'}],
        [{"url": "/es/mensajes/", "title": "Mensajes & más"}, {"url": "/b/", "title": "Two"}],
    ],
    ids=["none", "curly quotes", "escaped", "two"],
)
def test_link_items_render_what_the_loop_rendered(rows):
    assert TAG.render(Context({"rows": rows})) == LOOP.render(Context({"rows": rows}))


def test_a_title_cannot_inject_markup():
    html = TAG.render(
        Context({"rows": [{"url": '/a/" onclick="x', "title": "<script>x</script>"}]})
    )

    assert "<script>" not in html
    assert 'onclick="' not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html

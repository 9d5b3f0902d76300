"""Markdown from editors becomes HTML that cannot run scripts or load anything."""

import pytest

from tests.factories import make_step, make_symptom
from troubleshooting.markdown import render_markdown

HOSTILE = [
    ("<script>alert(1)</script>", "<script"),
    ('<img src=x onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">tap</a>', "javascript:"),
    ("[tap](javascript:alert(1))", "javascript:"),
    ("[tap](JaVaScRiPt:alert(1))", "javascript:"),
    ("[tap](  javascript:alert(1))", "javascript:"),
    ("[tap](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ("[tap](vbscript:msgbox(1))", "vbscript:"),
    ('<iframe src="https://example.com"></iframe>', "<iframe"),
    ('<p style="background:url(x)">x</p>', "style="),
    ('<svg onload="alert(1)"><circle/></svg>', "onload"),
    ("<style>body{display:none}</style>", "<style"),
    ('<form action="/x"><input name="q"></form>', "<form"),
    ('<a href="https://example.com" onclick="steal()">x</a>', "onclick"),
    ("<!-- secret --><p>x</p>", "secret"),
    ('<object data="x.swf"></object>', "<object"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta"),
    ("<scr<script>ipt>alert(1)</script>", "<script"),
]


@pytest.mark.parametrize(("source", "forbidden"), HOSTILE)
def test_hostile_markdown_is_neutralised(source, forbidden):
    html = render_markdown(source)
    assert forbidden.lower() not in html.lower()


def test_ordinary_markdown_survives():
    html = render_markdown(
        "Go to **Settings > Messages**.\n\n1. Tap *iMessage*\n2. Wait\n\n"
        "[Apple Support](https://support.apple.com/contact)"
    )
    assert "<strong>Settings &gt; Messages</strong>" in html
    assert "<ol>" in html and "<li>Tap <em>iMessage</em></li>" in html
    assert 'href="https://support.apple.com/contact"' in html
    assert 'rel="noopener noreferrer"' in html


def test_internal_links_are_kept():
    assert 'href="/messages/not-delivered/"' in render_markdown("[see](/messages/not-delivered/)")


def test_empty_source_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


@pytest.mark.django_db
def test_markdown_is_rendered_and_stored_on_save():
    step = make_step(instructions="Tap **Delete**.<script>x()</script>", warning="*Careful*")
    assert step.instructions_html == "<p>Tap <strong>Delete</strong>.</p>"
    assert step.warning_html == "<p><em>Careful</em></p>"
    step.instructions = "Changed"
    step.save(update_fields=["instructions"])
    step.refresh_from_db()
    assert step.instructions_html == "<p>Changed</p>"


@pytest.mark.django_db
def test_hostile_markdown_never_reaches_the_page(client):
    symptom = make_symptom(body='<script>alert("x")</script>[a](javascript:alert(1)) Hello')
    html = client.get(symptom.get_absolute_url()).content.decode()
    assert 'alert("x")' not in html
    assert "javascript:" not in html
    assert "Hello" in html

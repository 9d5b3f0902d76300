"""A step's htmx fragment is filled into its shape: it must be the template's own output.

The fragment's ``main`` partial is rendered once per language and kind of step with stand-ins
for everything it prints (``shaped.fill``), then each request's values are filled in. What a
person sees must stay exactly what the template makes of the step: the same section as the
whole page's, whatever the step, its answers, its language or the banners shown.
"""

import re

import pytest
from django.template.loader import get_template
from django.test import override_settings

from tests.factories import make_step, make_symptom
from tests.troubleshooting.known_issue_factories import make_issue
from tests.troubleshooting.translation_factories import translate
from troubleshooting import shaped
from troubleshooting.flow import Flow
from troubleshooting.models import Severity
from troubleshooting.outcomes import recording

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# Whole pages carry the CSRF token in their forms; fragments send the cookie's as a header.
TOKEN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
SWITCHER = re.compile(r'<nav id="language-switcher".*?</nav>', re.DOTALL)


def _section(html: str) -> str:
    start = html.index('<section class="wrap flow"')
    return TOKEN.sub("", html[start : html.index("</section>", start) + len("</section>")])


def _switcher(html: str) -> str:
    return SWITCHER.search(html)[0].replace(' hx-swap-oob="true"', "")


def _same_step(client, url: str) -> str:
    """Return the fragment at ``url``, having held it to the whole page's step and switcher."""
    page = client.get(url, follow=True)
    if page.redirect_chain:  # English slugs, sent on to the language's own
        url = page.redirect_chain[-1][0]
    # Twice: the first fills a new shape, the second one kept.
    fragments = [client.get(url, headers=HTMX) for _ in range(2)]
    assert page.status_code == 200
    for fragment in fragments:
        assert fragment.status_code == 200
        assert fragment.text == fragments[0].text
        assert _section(fragment.text) == _section(page.text)
        assert _switcher(fragment.text) == _switcher(page.text)
    return fragments[0].text


@pytest.mark.usefixtures("uncached_blocks")
class TestTheFragmentIsThePagesStep:
    def test_plain_destructive_and_interrupting_steps(self, client):
        steps = [
            make_step(title="Restart <your> phone & wait"),
            make_step(severity=Severity.DESTRUCTIVE),
            make_step(interrupts=True),
        ]
        symptom = make_symptom(steps=steps, title='Stuck on "Sending"')
        flow = Flow.for_symptom(symptom)
        first = _same_step(client, flow.step_url(1, ""))
        assert "Restart &lt;your&gt; phone &amp; wait" in first
        assert "Step 1 of 3" in first
        unconfirmed = _same_step(client, flow.step_url(2, "n"))
        assert 'name="confirm" value="1" required' in unconfirmed
        confirmed = _same_step(client, flow.step_url(2, "n", confirm="1"))
        assert 'name="confirmed" value="1"' in confirmed
        interrupting = _same_step(client, flow.step_url(3, "nn"))
        assert 'class="callout keep-link"' in interrupting
        assert "carry on from step 3" in interrupting

    def test_the_way_in_the_session_and_a_known_issue(self, client):
        steps = [make_step(), make_step()]
        symptom = make_symptom(steps=steps)
        make_issue(symptoms=[symptom])
        key = recording.new_key()
        flow = Flow.for_symptom(symptom).with_via("which-app").with_session(key)
        first = _same_step(client, flow.step_url(1, ""))
        assert 'class="known-issue"' in first
        assert f'name="s" value="{key}"' not in first  # only a destructive step's form has it
        second = _same_step(client, flow.step_url(2, "n"))
        assert f"via=which-app&amp;s={key}" in second
        assert 'class="known-issue"' not in second

    def test_in_another_language_translated_or_not(self, client):
        steps = [make_step(), make_step(severity=Severity.DESTRUCTIVE)]
        symptom = make_symptom(steps=steps)
        flow = Flow.for_symptom(symptom)
        # Made before any page: a response leaves its language active in the test's thread.
        plain, confirmed = flow.step_url(2, "n"), flow.step_url(2, "n", confirm="1")
        untranslated = _same_step(client, f"/es{plain}")
        assert 'class="untranslated-notice"' in untranslated
        assert "Paso 2 de 2" in untranslated
        translate(symptom.topic)
        translate(symptom)
        for step in steps:
            translate(step)
        translated = _same_step(client, f"/es{confirmed}")
        assert 'class="untranslated-notice"' not in translated
        assert f"[es] {steps[1].title}" in translated


def _filled_and_rendered(client, monkeypatch, url: str):
    """Return the fragment at ``url`` filled into its shape, having held it to the template's."""
    shaped._filled.clear()
    filled = []
    for _ in range(2):  # the first makes the shape, the second fills the one kept
        client.cookies.clear()
        filled.append(client.get(url, headers=HTMX))
    with monkeypatch.context() as switched_off:
        switched_off.setattr(shaped, "fill", lambda *args, **kwargs: None)
        client.cookies.clear()
        rendered = client.get(url, headers=HTMX)
    assert shaped._filled and None not in shaped._filled.values()  # filled, not rendered
    for response in filled:
        assert response.status_code == rendered.status_code == 200
        assert response.content == rendered.content
        assert dict(response.headers) == dict(rendered.headers)
    return filled[0].text


@pytest.mark.usefixtures("uncached_blocks")
class TestTheFilledFragmentIsTheTemplatesOwn:
    """Byte for byte and header for header, the ``<title>`` and notices above the step too."""

    def test_every_kind_of_step_with_the_way_in_a_session_and_a_known_issue(
        self, client, monkeypatch
    ):
        title = 'Restart <script>alert(1)</script> & "Quotes" {{ x }} %(p)s &amp;'
        steps = [
            make_step(title=title),
            make_step(severity=Severity.DESTRUCTIVE, title=title),
            make_step(interrupts=True, title=title),
        ]
        symptom = make_symptom(steps=steps, title=title)
        make_issue(symptoms=[symptom])
        for flow in (
            Flow.for_symptom(symptom),
            Flow.for_symptom(symptom).with_via("which-app").with_session(recording.new_key()),
        ):
            first = _filled_and_rendered(client, monkeypatch, flow.step_url(1, ""))
            assert 'class="known-issue"' in first
            assert "&lt;script&gt;" in first
            assert "<title>" in first
            unconfirmed = flow.step_url(2, "n")
            assert "required" in _filled_and_rendered(client, monkeypatch, unconfirmed)
            confirmed = flow.step_url(2, "n", confirm="1")
            assert 'name="confirmed"' in _filled_and_rendered(client, monkeypatch, confirmed)
            interrupting = _filled_and_rendered(client, monkeypatch, flow.step_url(3, "nn"))
            assert "keep-link" in interrupting

    def test_in_spanish_and_french_translated_or_not(self, client, monkeypatch):
        steps = [make_step(), make_step(severity=Severity.DESTRUCTIVE)]
        symptom = make_symptom(steps=steps)
        flow = Flow.for_symptom(symptom)
        # Made before any page: a response leaves its language active in the test's thread.
        urls = [flow.step_url(1, ""), flow.step_url(2, "n"), flow.step_url(2, "n", confirm="1")]
        for url in urls:
            for language in ("es", "fr"):
                shown = _filled_and_rendered(client, monkeypatch, f"/{language}{url}")
                assert 'class="untranslated-notice"' in shown
        translate(symptom.topic)
        translate(symptom)
        for step in steps:
            translate(step)
        for url in urls:
            translated = client.get(f"/es{url}", follow=True).redirect_chain[-1][0]
            shown = _filled_and_rendered(client, monkeypatch, translated)
            assert 'class="untranslated-notice"' not in shown


class TestFill:
    TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "twice.html": (
                                "<a href='{{ a }}'>{{ a }}</a>"
                                "{% if b.c %}<b>{{ b.c }}</b>{% endif %}"
                                "{% if flag %}!{% endif %}{{ n }}"
                            ),
                            "filtered.html": "<i>{{ a|upper }}</i>",
                            "unmapped.html": "<i>{{ a }}{{ b.d }}</i>",
                            "unmapped_test.html": "{% if extra %}<i>{{ a }}</i>{% endif %}",
                            "counted.html": (
                                "{% load i18n %}{% blocktranslate count counter=n %}"
                                "{{ counter }} step{% plural %}{{ counter }} steps"
                                "{% endblocktranslate %}"
                            ),
                        },
                    )
                ]
            },
        }
    ]

    @staticmethod
    def _values(a, c, n) -> dict:
        return {"a": a, "b.c": c, "n": n}

    def test_values_are_escaped_and_printed_where_and_as_often_as_the_template_does(self):
        with override_settings(TEMPLATES=self.TEMPLATES):
            filled = shaped.fill("twice.html", {"flag": True}, self._values("<x>", "y & z", 12))
            assert filled == "<a href='&lt;x&gt;'>&lt;x&gt;</a><b>y &amp; z</b>!12"
            # A false value is printed as the template prints it: another shape.
            no_flag = {"flag": False}
            assert shaped.fill("twice.html", no_flag, self._values("a", "", 0)) == (
                "<a href='a'>a</a>0"
            )
            assert shaped.fill("twice.html", no_flag, self._values("a", None, 3)) == (
                "<a href='a'>a</a>3"
            )

    def test_a_template_that_changes_a_value_is_left_to_render(self):
        with override_settings(TEMPLATES=self.TEMPLATES):
            assert shaped.fill("filtered.html", {}, {"a": "a"}) is None
            # A value printed otherwise than a string or an integer (a date, a decimal).
            no_flag = {"flag": False}
            assert shaped.fill("twice.html", no_flag, self._values("a", "", 1.5)) is None

    def test_a_name_the_template_reads_and_neither_mapping_holds_is_left_to_render(self, caplog):
        # Its shape would print "" where the template prints the page's own value.
        with override_settings(TEMPLATES=self.TEMPLATES):
            assert shaped.fill("unmapped.html", {}, self._values("a", "c", 1)) is None
            assert shaped.fill("unmapped_test.html", {}, {"a": "a"}) is None
        assert "reads ['b.d']" in caplog.text
        assert "reads ['extra']" in caplog.text

    def test_a_template_that_fails_with_stand_ins_is_left_to_render_and_logged_once(self, caplog):
        with override_settings(TEMPLATES=self.TEMPLATES):
            for _ in range(2):
                assert shaped.fill("counted.html", {}, {"n": 2}) is None
            # The template itself, given the value, renders as it always did.
            assert get_template("counted.html").render({"n": 2}) == "2 steps"
        warnings = [r for r in caplog.records if r.levelname == "WARNING"]
        assert len(warnings) == 1
        assert "counted.html" in warnings[0].getMessage()

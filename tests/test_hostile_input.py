"""A corpus of hostile input: each case is sanitized, or refused with a clear 4xx, never a 500.

Script injection in Markdown and in addresses, tampered guided-fix addresses, oversized and binary
bodies, odd methods and odd headers, all through Django's test client. The client re-raises any
exception a view lets escape, so a would-be 500 fails here with its traceback; outcomes that are
recorded quietly (and so could fail quietly) are checked in the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from django.test import Client
from django.utils.html import escape

from tests.factories import (
    make_cause,
    make_choice,
    make_question,
    make_step,
    make_symptom,
    make_topic,
)
from troubleshooting.flow import Flow
from troubleshooting.markdown import ALLOWED_TAGS
from troubleshooting.models import (
    ArticleVote,
    Cause,
    FixStep,
    FlowSession,
    Severity,
    StepAnswer,
    Symptom,
    Topic,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db

# What a person sees instead of a server error: a phrase of each page or form error.
CLEAR_MESSAGES = (
    "Something in that link isn",  # 400.html
    "This link to the guided fix doesn",  # the flow's own 400
    "You can't open this page",  # 403.html
    "Please try that again",  # 403_csrf.html
    "We can't find that page",  # 404.html
    "That doesn",  # 405.html
    # form errors, shown above the form they belong to
    "Choose Yes, No or Skip.",
    "confirm you understand",
    "Please keep the note",
    "Choose one of the reasons listed",
    "Choose Yes or No.",
    "Please keep it to",
    "Select a valid choice",
    "Null characters are not allowed.",
)
CANARY = "evil"  # every active part of a payload names it, so a surviving part is easy to spot


# Looking for anything live in a page -------------------------------------------------------------


class LiveParts(HTMLParser):
    """Collect what in a page could run script, load something, or change how it looks."""

    FORBIDDEN_TAGS = {
        *("iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "img"),
        *("image", "video", "audio", "source", "style", "base", "template", "portal", "noscript"),
    }
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
    # The page's own addresses (its language versions, its canonical) and its style and icon.
    LINK_RELS = {"alternate", "canonical", "icon", "stylesheet"}
    # Attributes that may legitimately echo a query (the search box, the resume link).
    ECHOING_ATTRIBUTES = {"href", "title", "value", "content"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag in self.FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not (attributes.get("src") or "").startswith("/static/"):
                self.problems.append(f"<script {attrs}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv {attrs}>")
        if tag == "link" and attributes.get("rel") not in self.LINK_RELS:
            self.problems.append(f"<link {attrs}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith(("on", "hx-on", "data-hx-on")) or name == "style":
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in self.URL_ATTRIBUTES and self.dangerous_scheme(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            # An hx-get that repeats its link's href echoes no more than the href does (a search
            # result's address carries the query, encoded).
            echoes = name in self.ECHOING_ATTRIBUTES or (
                name == "hx-get" and value == attributes.get("href")
            )
            if not echoes and CANARY in value.lower():
                self.problems.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data[:80]!r}")

    @staticmethod
    def dangerous_scheme(url: str) -> bool:
        # Browsers drop ASCII whitespace and control characters before reading the scheme.
        squeezed = re.sub(r"[\x00-\x20]", "", url).lower()
        return squeezed.startswith(("javascript:", "vbscript:", "data:", "livescript:"))


def live_parts(html: str) -> LiveParts:
    parser = LiveParts()
    parser.feed(html)
    parser.close()
    return parser


def assert_nothing_live(html: str, where: str = ""):
    problems = live_parts(html).problems
    assert not problems, f"{where}: {problems}"


def assert_clear(response, where: str = ""):
    """Assert a response is no server error, and a refusal says clearly what went wrong."""
    where = where[:120]
    status = response.status_code
    assert status < 500, f"{where}: {status}"
    for name, value in response.items():
        assert not re.search(r"[\r\n\x00]", value), f"{where}: header {name}={value!r}"
    if status in (301, 302, 303):
        location = urlsplit(response["Location"])
        assert location.netloc in ("", "testserver"), f"{where}: off-site {response['Location']}"
        assert not re.search(r"[\s<>\"]", response["Location"]), f"{where}: {response['Location']}"
    html = response.content.decode()
    assert "MISSING-TEMPLATE-VARIABLE" not in html, where
    if status >= 400:
        assert any(message in html for message in CLEAR_MESSAGES), f"{where}: {status} {html[:300]}"
    # The admin's pages are Django's own (with SVG icons); ours are checked for anything live.
    ours = not response.wsgi_request.path.startswith("/admin/")
    if ours and response.get("Content-Type", "").startswith("text/html"):
        assert_nothing_live(html, where)


# A small published guide with known addresses ----------------------------------------------------


@dataclass
class Guide:
    topic: Topic
    symptom: Symptom
    steps: list[FixStep]
    question: TriageQuestion
    cause: Cause

    @property
    def flow(self) -> Flow:
        return Flow.for_symptom(self.symptom)

    def urls(self) -> dict[str, str]:
        """Return the guide's addresses by name, for URL templates such as ``{step2}?r=n``."""
        base = self.symptom.get_absolute_url()
        return {
            "article": base,
            "feedback": f"{base}feedback/",
            "begin": f"{base}fix/",
            "fix": f"{base}fix/",
            "step1": f"{base}fix/1/",
            "step2": f"{base}fix/2/",
            "step3": f"{base}fix/3/",
            "fixed": f"{base}fix/fixed/",
            "end": f"{base}fix/end/",
            "topic": self.topic.get_absolute_url(),
            "question": self.question.get_absolute_url(),
            "v": self.flow.version,
        }


def make_hostile_guide(**markdown: str) -> Guide:
    """Build a guide of two quick steps and a destructive third, with Markdown fields given."""
    topic = make_topic(escalation=markdown.get("escalation", "Contact **support**."))
    steps = [make_step(instructions=markdown.get("instructions", "Tap it.")) for _ in range(2)]
    steps.append(
        make_step(
            severity=Severity.DESTRUCTIVE,
            title="Erase the phone",
            instructions=markdown.get("instructions", "Erase it."),
            warning=markdown.get("warning", "This **erases** everything."),
        )
    )
    cause = make_cause(description=markdown.get("description", "Why it happens."))
    symptom = make_symptom(
        topic=topic,
        steps=steps,
        causes=[cause],
        body=markdown.get("body", "What it *means*."),
        next_moves=markdown.get("next_moves", ""),
    )
    question = make_question(topic=topic, is_start=True, help=markdown.get("help", ""))
    make_choice(question=question, symptom=symptom)
    return Guide(topic, symptom, steps, question, cause)


@pytest.fixture
def guide(db) -> Guide:
    return make_hostile_guide()


def fill(template: str, guide: Guide, payload: str = "") -> str:
    return template.format(p=payload, **guide.urls())


# 1. Script injection in Markdown, at the page level -----------------------------------------------

# tests/troubleshooting/test_markdown.py checks render_markdown itself; here each payload goes
# into every Markdown field of every content model, and then through the pages that show them.
MARKDOWN_PAYLOADS = {
    "script": "<script>alert('evil')</script>",
    "script-split": "<scr<script>ipt>alert('evil')</script>",
    "script-in-code": "`<script>alert('evil')</script>`",
    "img-onerror": "<img src=x onerror=\"alert('evil')\">",
    "details-ontoggle": "<details open ontoggle=alert('evil')>x</details>",
    "a-onclick": '<a href="https://example.com/" onclick="alert(\'evil\')">tap</a>',
    "a-javascript": "<a href=\"javascript:alert('evil')\">tap</a>",
    "a-javascript-entities": "<a href=\"&#106;ava&#x73;cript:alert('evil')\">tap</a>",
    "a-javascript-tab": "<a href=\"java&#x09;script:alert('evil')\">tap</a>",
    "a-javascript-newline": "<a href=\"java\nscript:alert('evil')\">tap</a>",
    "md-link-javascript": "[tap](javascript:alert('evil'))",
    "md-link-javascript-case": "[tap](JaVaScRiPt:alert('evil'))",
    "md-link-entities": "[tap](&#106;avascript:alert('evil'))",
    "md-link-reference": "[tap][x]\n\n[x]: javascript:alert('evil')",
    "md-autolink": "<javascript:alert('evil')>",
    "md-image-javascript": "![tap](javascript:alert('evil'))",
    "md-image-onerror": "![tap](x\" onerror=\"alert('evil'))",
    "md-link-attribute-breakout": "[tap](https://example.com/\" onmouseover=\"alert('evil'))",
    "md-link-title-breakout": '[tap](https://example.com/ "a\\" onmouseover=\\"alert(\'evil\')")',
    "md-link-vbscript": "[tap](vbscript:msgbox('evil'))",
    "data-url-link": "[tap](data:text/html;base64,PHNjcmlwdD5hbGVydCgnZXZpbCcpPC9zY3JpcHQ+)",
    "data-url-image": "![x](data:image/svg+xml,<svg onload=alert('evil')>)",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object-embed": '<object data="https://evil.example/x"></object><embed src="https://evil.example/">',
    "style-attribute": '<p style="background:url(https://evil.example/)">x</p>',
    "style-tag": "<style>body{background:url(https://evil.example/)}</style>",
    "svg-onload": "<svg/onload=alert('evil')>",
    "svg-script": "<svg><script>alert('evil')</script></svg>",
    "svg-xlink": "<svg><a xlink:href=\"javascript:alert('evil')\"><text>tap</text></a></svg>",
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert('evil')>",
    "noscript-mxss": "<noscript><p title=\"</noscript><img src=x onerror=alert('evil')>\">",
    "comment-conditional": "<!--[if IE]><script>alert('evil')</script><![endif]-->",
    "entities-as-text": "&lt;script&gt;alert('evil')&lt;/script&gt;",
    "htmx-attributes": '<a href="/" hx-get="/evil" hx-trigger="load" hx-target="body">x</a>',
    "htmx-on": '<p hx-on:click="alert(\'evil\')" data-hx-get="/evil">x</p>',
    "form": '<form action="/evil"><button formaction="javascript:alert(\'evil\')">x</button>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base-href": '<base href="https://evil.example/">',
}
MARKDOWN_FIELDS = {
    "escalation": "escalation_html",
    "description": "description_html",
    "instructions": "instructions_html",
    "warning": "warning_html",
    "body": "body_html",
    "next_moves": "next_moves_html",
    "help": "help_html",
}
# The pages showing Markdown, and the fields each shows (the third step is the destructive one).
MARKDOWN_PAGES = {
    "{article}": ["description", "instructions", "warning", "body"],
    "{question}": ["help"],
    "{step3}?r=nn&v={v}": ["warning"],
    "{step3}?r=nn&v={v}&confirm=1": ["instructions"],
    "{end}?r=nnn&v={v}": ["escalation", "next_moves"],
}


@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS.values(), ids=MARKDOWN_PAYLOADS.keys())
def test_hostile_markdown_is_stored_and_served_inert(client, payload):
    guide = make_hostile_guide(
        **{field: f"Shown {field} here.\n\n{payload}" for field in MARKDOWN_FIELDS}
    )
    objects = [guide.topic, guide.cause, guide.steps[2], guide.symptom, guide.question]
    for field, html_field in MARKDOWN_FIELDS.items():
        [obj] = [obj for obj in objects if hasattr(obj, html_field)]
        obj.refresh_from_db()
        stored = getattr(obj, html_field)
        assert f"Shown {field} here." in stored
        assert_nothing_live(stored, html_field)
        assert live_parts(stored).tags <= ALLOWED_TAGS, html_field
    for url, fields in MARKDOWN_PAGES.items():
        response = client.get(fill(url, guide))
        assert response.status_code == 200, url
        assert_clear(response, url)
        for field in fields:  # the page does show the field, so the check above saw it
            assert f"Shown {field} here." in response.content.decode(), (field, url)


def test_the_page_check_spots_live_script():
    """The checks above can fail: each kind of live content is reported."""
    for html in [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        '<p onclick="x()">',
        '<a href=" jav&#x09;ascript:x()">',
        '<a href="data:text/html,x">',
        '<img src="x">',
        '<p style="color:red">',
        '<a hx-get="/evil">',
        '<div hx-on:click="x()">',
        '<meta http-equiv="refresh" content="0">',
    ]:
        assert live_parts(html).problems, html
    assert not live_parts('<a href="/x?q=evil" title="evil">evil</a>').problems


# 2. Script injection and odd text in query strings and paths --------------------------------------

# Already percent-encoded, as they would arrive; several are not valid UTF-8 on purpose.
QUERY_PAYLOADS = {
    "script": "%3Cscript%3Ealert(%27evil%27)%3C/script%3E",
    "attribute-breakout": "%22%3E%3Csvg%20onload=alert(%27evil%27)%3E",
    "single-quote-breakout": "%27%20autofocus%20onfocus=%27alert(1)%27%20x=%27",
    "htmx-breakout": "%22%20hx-get=%22/evil%22%20hx-trigger=%22load",
    "javascript-url": "javascript:alert(%27evil%27)",
    "template-syntax": "%7B%7B7*7%7D%7D%7B%25%20debug%20%25%7D",
    "sql": "%27%20OR%201=1;--%20DROP%20TABLE%20x",
    "fts-syntax": "%22*%20NEAR(a%20b)%20AND%20OR%20NOT%20%5E-%2B:%20%7C%26!%3C-%3E%25_%5C",
    "very-long": "a" * 10_000,
    "long-words": "%3Cb%3E" * 2_000,
    "rtl-override": "%E2%80%AEevil%E2%80%AC",
    "zero-width": "mes%E2%80%8Bsage%EF%BB%BF",
    "emoji": "%F0%9F%93%B1%F0%9F%98%80%F0%9F%91%A9%E2%80%8D%F0%9F%91%A9",
    "odd-letters": "%C2%B2%C2%BD%C7%85%E3%80%87%D9%A1%E0%B8%81%EF%AC%81",
    "lone-surrogate": "%ED%A0%80",
    "invalid-utf8": "%FF%FE%C3%28",
    "overlong-utf8": "%C0%BCscript%C0%BE",
    "crlf": "x%0d%0aSet-Cookie:%20evil=1%0d%0aLocation:%20https://evil.example/",
    "control-characters": "%01%07%08%1B%7F",
    "nul": "a%00b",
    "off-site": "//evil.example/%2F..",
    "backslash-off-site": "/%5Cevil.example",
    "plus-and-equals": "a+b=c&=&&",
}
# Every parameter a public page reads, and where (the payload goes in ``{p}``).
QUERY_TARGETS = [
    "/search/?q={p}",
    "/search/?q={p}&exact=1",
    "/search/?q=message&q={p}&q[]={p}&q[0]={p}&exact={p}",
    "{article}?{p}={p}",
    "{feedback}?given={p}",
    "{begin}?s={p}",
    "{step1}?r={p}",
    "{step1}?s={p}",
    "{step2}?r={p}&v={v}",
    "{step2}?r=n&v={p}",
    "{step3}?r=nn&v={v}&confirm={p}",
    "{fixed}?r={p}&v={v}",
    "{end}?r={p}&v={v}",
    "{end}?r=n&v={v}&s={p}",
    "/preview/?next={p}",
    "/admin/login/?next={p}",
    "/{p}/",
    "{fix}{p}/",
]


@pytest.mark.parametrize("payload", QUERY_PAYLOADS.values(), ids=QUERY_PAYLOADS.keys())
def test_hostile_query_strings_and_paths(client, guide, payload):
    for template in QUERY_TARGETS:
        url = fill(template, guide, payload)
        response = client.get(url)
        assert_clear(response, url)
        if "%00" in urlsplit(url).query:  # refused before it can reach the database
            assert response.status_code == 400
        if url.startswith("/search/"):  # as people type: the address is replaced by a header
            response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results")
            assert_clear(response, url)
            if response.status_code == 200:
                assert response["HX-Replace-Url"].startswith("/search/?")
    assert not StepAnswer.objects.exists()


@pytest.mark.parametrize("payload", QUERY_PAYLOADS.values(), ids=QUERY_PAYLOADS.keys())
def test_search_shows_the_query_escaped(client, demo_content, payload):
    """The words searched for are shown back as text, on a real guide's results and misses."""
    for query in (payload, f"message%20{payload}%20delivered"):
        response = client.get(f"/search/?q={query}")
        assert_clear(response, query)
        if "%00" in query:
            assert response.status_code == 400
            continue
        assert response.status_code == 200
        html = response.content.decode()
        shown = " ".join(unquote(query.replace("+", " ")).split())[:200]
        shown = shown.split("&")[0]  # the rest are other parameters
        assert escape(shown) in html
        if "<" in shown:
            assert shown not in html


def test_redirects_stay_on_the_site(admin_client):
    """The editor's preview switch follows ``next=`` only within the site, and never breaks."""
    for payload in QUERY_PAYLOADS.values():
        for method in (admin_client.get, admin_client.post):
            response = method(f"/preview/?next={payload}")
            assert response.status_code == (400 if "%00" in payload else 303)
            assert_clear(response, payload)
        response = admin_client.post("/preview/", {"next": unquote(payload)})
        assert_clear(response, payload)


@pytest.mark.parametrize(
    "query",
    [
        "q=%3Cscript%3Ealert(%27evil%27)%3C/script%3E",
        "q=%ED%A0%80%FF",
        "q=" + "a" * 10_000,
        "status__exact=%3Cscript%3E",
        "o=%3Cscript%3E",
        "o=99.-x",
        "p=-1",
        "p=%FF",
        "id__gt=abc",
        "topic__id__exact=%27%20OR%201=1",
        "updated__gte=not-a-date",
        "_changelist_filters=%0d%0aX:%20y",
        "q=%00",
    ],
)
def test_hostile_admin_filters(admin_client, guide, query):
    for model in ("symptom", "fixstep"):
        response = admin_client.get(f"/admin/troubleshooting/{model}/?{query}")
        assert response.status_code < 500, model
        assert "<script>alert" not in response.content.decode(), model


# 3. Tampered guided-fix state ---------------------------------------------------------------------

# (url, expected status); GETs never record an answer.
TAMPERED_GETS = {
    "r-unknown-letter": ("{step2}?r=x&v={v}", 400),
    "r-upper-case": ("{step2}?r=N&v={v}", 400),
    "r-too-long": ("{step2}?r=nnnnnn&v={v}", 400),
    "r-fixed-in-the-middle": ("{step3}?r=yn&v={v}", 400),
    "r-script": ("{step2}?r=%3Cscript%3E&v={v}", 400),
    "r-as-array": ("{step2}?r[]=n&v={v}", 400),
    "r-repeated-last-wins": ("{step2}?r=x&r=n&v={v}", 200),
    "r-skips-a-step": ("{step3}?r=n&v={v}", 400),
    "v-mismatched": ("{step2}?r=n&v=deadbeef", 400),
    "v-missing": ("{step2}?r=n", 400),
    "v-huge": ("{step2}?r=n&v=" + "f" * 10_000, 400),
    "v-ignored-without-answers": ("{step1}?v=junk", 200),
    "s-not-a-key": ("{step1}?s=not-a-key", 200),
    "s-sql": ("{step1}?s=%27%3B%20DELETE%20FROM%20x;--", 200),
    "s-huge": ("{step1}?s=" + "A" * 10_000, 200),
    "s-non-ascii": ("{step1}?s=" + "%C3%A4" * 22, 200),
    "s-unknown-key": ("{step1}?s=" + "A" * 22, 200),
    "step-0": ("{fix}0/", 404),
    "step-00": ("{fix}00/", 404),
    "step-01": ("{fix}01/", 404),
    "step-9999": ("{fix}9999/", 404),
    "step-huge": ("{fix}99999999999999999999/", 404),
    "step-negative": ("{fix}-1/", 404),
    "step-not-a-number": ("{fix}one/", 404),
    "step-exponent": ("{fix}1e3/", 404),
    "step-arabic-digit": ("{fix}%D9%A1/", 404),
    "step-nul": ("{fix}1%00/", 404),
    "step-percent-encoded-1": ("{fix}%31/", 200),
    "confirm-on-a-quick-step": ("{step1}?confirm=1", 200),
    "confirm-junk-on-destructive": ("{step3}?r=nn&v={v}&confirm=%3Cscript%3E", 200),
    "fixed-without-y": ("{fixed}?r=n&v={v}", 400),
    "fixed-y-twice": ("{fixed}?r=yy&v={v}", 400),
    "fixed-mismatched-v": ("{fixed}?r=ny&v=00000000", 400),
    "end-with-y": ("{end}?r=ny&v={v}", 400),
    "end-too-long": ("{end}?r=nnnn&v={v}", 400),
    "feedback-given-junk": ("{feedback}?given=%3Cscript%3E", 200),
}


@pytest.mark.parametrize(("url", "status"), TAMPERED_GETS.values(), ids=TAMPERED_GETS.keys())
def test_tampered_flow_addresses(client, guide, url, status):
    sessions = FlowSession.objects.count()
    response = client.get(fill(url, guide))
    assert response.status_code == status
    assert_clear(response, url)
    if status == 400:
        html = response.content.decode()
        assert "This link to the guided fix doesn" in html
        assert f'href="{guide.symptom.get_flow_url()}"' in html  # start again
    assert FlowSession.objects.count() == sessions
    assert not StepAnswer.objects.exists()


# (url, POST data, expected status, the StepAnswer it records as (number, result, note) or None)
TAMPERED_POSTS = {
    "yes-to-destructive-unconfirmed": ("{step3}?r=nn&v={v}", {"answer": "y"}, 400, None),
    "no-to-destructive-confirmed-in-url-only": (
        "{step3}?r=nn&v={v}&confirm=1",
        {"answer": "n"},
        400,
        None,
    ),
    "confirmed-false": ("{step3}?r=nn&v={v}", {"answer": "y", "confirmed": "false"}, 400, None),
    "skip-destructive-unconfirmed": ("{step3}?r=nn&v={v}", {"answer": "s"}, 303, (3, "s", "")),
    "answer-missing": ("{step1}", {}, 400, None),
    "answer-empty": ("{step1}", {"answer": ""}, 400, None),
    "answer-upper-case": ("{step1}", {"answer": "Y"}, 400, None),
    "answer-word": ("{step1}", {"answer": "yes"}, 400, None),
    "answer-two-letters": ("{step1}", {"answer": "yn"}, 400, None),
    "answer-script": ("{step1}", {"answer": "<script>alert('evil')</script>"}, 400, None),
    "answer-nul": ("{step1}", {"answer": "y\x00"}, 400, None),
    "answer-huge": ("{step1}", {"answer": "y" * 100_000}, 400, None),
    "answer-repeated-last-wins": ("{step1}", {"answer": ["x", "n"]}, 303, (1, "n", "")),
    "reason-unknown": ("{step1}", {"answer": "c", "reason": "evil"}, 400, None),
    "reason-huge": ("{step1}", {"answer": "c", "reason": "x" * 100_000}, 400, None),
    "note-too-long": ("{step1}", {"answer": "c", "note": "a" * 201}, 400, None),
    "note-huge": ("{step1}", {"answer": "c", "note": "a" * 200_000}, 400, None),
    "note-nul": ("{step1}", {"answer": "c", "note": "a\x00b"}, 400, None),
    "note-nul-with-another-answer": ("{step1}", {"answer": "n", "note": "\x00"}, 400, None),
    "note-script-kept-as-text": (
        "{step1}",
        {"answer": "c", "note": "<script>alert('evil')</script>"},
        303,
        (1, "c", "<script>alert('evil')</script>"),
    ),
    "note-emoji-at-the-limit": (
        "{step1}",
        {"answer": "c", "note": "📱" * 200},
        303,
        (1, "c", "📱" * 200),
    ),
    "note-rtl-and-zero-width": (
        "{step1}",
        {"answer": "c", "note": "\u202eabc\u200b\ufeff"},
        303,
        (1, "c", "\u202eabc\u200b\ufeff"),
    ),
    "tampered-r": ("{step2}?r=x&v={v}", {"answer": "n"}, 400, None),
    "mismatched-v": ("{step2}?r=n&v=deadbeef", {"answer": "y"}, 400, None),
    "step-out-of-range": ("{fix}9999/", {"answer": "n"}, 404, None),
    "post-to-the-fixed-page": ("{fixed}?r=y&v={v}", {"answer": "n"}, 405, None),
    "post-to-the-end-page": ("{end}?r=n&v={v}", {"answer": "n"}, 405, None),
    "post-to-the-start": ("{begin}", {"answer": "n"}, 405, None),
    "session-key-junk": ("{step1}?s=%27%3BDROP%20TABLE", {"answer": "n"}, 303, (1, "n", "")),
}


@pytest.mark.parametrize(
    ("url", "data", "status", "recorded"), TAMPERED_POSTS.values(), ids=TAMPERED_POSTS.keys()
)
def test_tampered_answers(client, guide, url, data, status, recorded):
    response = client.post(fill(url, guide), data)
    assert response.status_code == status
    assert_clear(response, url)
    answers = list(StepAnswer.objects.values_list("number", "result", "note"))
    assert answers == ([recorded] if recorded else [])
    if status == 303:
        # The next address carries a well-formed session key, whatever came in.
        assert re.search(r"[?&]s=[\w-]{22}$", response["Location"])
        assert FlowSession.objects.get().key in response["Location"]


def test_refused_answers_leave_earlier_answers_alone(client, guide):
    """A refused answer in the middle of a session changes nothing already recorded."""
    url = client.get(fill("{begin}", guide))["Location"]
    url = client.post(url, {"answer": "n"})["Location"]
    url = client.post(url, {"answer": "c", "reason": "risky", "note": "Scared"})["Location"]
    key = FlowSession.objects.get().key
    before = list(StepAnswer.objects.order_by("number").values_list("number", "result", "note"))
    assert before == [(1, "n", ""), (2, "c", "Scared")]
    for data in [
        {"answer": "y"},  # the destructive step, unconfirmed
        {"answer": "n", "confirmed": "1", "note": "x" * 201},
        {"answer": "c", "confirmed": "1", "note": "\x00"},
        {"answer": "maybe", "confirmed": "1"},
    ]:
        assert client.post(url, data).status_code == 400
    for tampered in [
        fill("{step2}?r=x&v={v}&s=", guide) + key,
        fill("{step2}?r=n&v=deadbeef&s=", guide) + key,
        fill("{fix}9999/?s=", guide) + key,
    ]:
        assert client.post(tampered, {"answer": "y"}).status_code in (400, 404)
    after = list(StepAnswer.objects.order_by("number").values_list("number", "result", "note"))
    assert after == before
    assert FlowSession.objects.get().outcome == "open"


# (POST data, expected status, the ArticleVote it stores as (helpful, reason, comment) or None)
HOSTILE_FEEDBACK = {
    "helpful-missing": ({}, 400, None),
    "helpful-junk": ({"helpful": "maybe"}, 400, None),
    "helpful-script": ({"helpful": "<script>alert('evil')</script>"}, 400, None),
    "reason-junk": ({"helpful": "no", "reason": "<script>evil"}, 400, None),
    "comment-too-long": ({"helpful": "no", "comment": "a" * 501}, 400, None),
    "comment-nul": ({"helpful": "no", "comment": "a\x00b"}, 400, None),
    "comment-script-kept-as-text": (
        {"helpful": "no", "comment": "<script>alert('evil')</script>"},
        303,
        (False, "", "<script>alert('evil')</script>"),
    ),
    "version-junk": ({"helpful": "yes", "version": "<script>"}, 303, (True, "", "")),
    "version-huge": ({"helpful": "yes", "version": "f" * 100_000}, 303, (True, "", "")),
}


@pytest.mark.parametrize(
    ("data", "status", "stored"), HOSTILE_FEEDBACK.values(), ids=HOSTILE_FEEDBACK.keys()
)
def test_hostile_feedback(client, guide, data, status, stored):
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "feedback"}):
        ArticleVote.objects.all().delete()
        response = client.post(fill("{feedback}", guide), data, **headers)
        assert response.status_code == (200 if status == 303 and headers else status)
        assert_clear(response)
        votes = list(ArticleVote.objects.values_list("helpful", "reason", "comment"))
        assert votes == ([stored] if stored else [])
        if stored:
            vote = ArticleVote.objects.get()
            assert re.fullmatch(r"[0-9a-f]{8}", vote.version)
            assert re.fullmatch(r"[\w-]{22}", vote.voter)


def test_a_refused_vote_leaves_the_earlier_vote_alone(client, guide):
    url = fill("{feedback}", guide)
    client.post(url, {"helpful": "no", "reason": "hard", "comment": "Too long"})
    before = list(ArticleVote.objects.values_list("voter", "helpful", "reason", "comment"))
    for data in [{"helpful": "maybe"}, {"helpful": "yes", "comment": "\x00"}, {"helpful": ""}]:
        assert client.post(url, data).status_code == 400
    assert list(ArticleVote.objects.values_list("voter", "helpful", "reason", "comment")) == before


@pytest.mark.parametrize(
    "voter",
    ["", "junk", "A" * 21 + "!", "A" * 10_000, '"\\000AAAAAAAAAAAAAAAAAAAAA"', "%00", "ünïcödé"],
)
def test_a_malformed_voter_cookie_gets_a_fresh_key(client, guide, voter):
    response = client.post(
        fill("{feedback}", guide), {"helpful": "yes"}, HTTP_COOKIE=f"helpful_voter={voter}"
    )
    assert response.status_code == 303
    vote = ArticleVote.objects.get()
    assert re.fullmatch(r"[\w-]{22}", vote.voter)
    assert response.cookies["helpful_voter"].value == vote.voter


def test_tampered_addresses_on_the_demo_guide(client, demo_content):
    """Every demo symptom refuses tampered answers clearly, from the first step to the end."""
    for symptom in Symptom.objects.visible().select_related("topic"):
        flow = Flow.for_symptom(symptom)
        base = symptom.get_flow_url()
        for url, statuses in [
            (f"{base}1/?r=%3Cscript%3E&v={flow.version}", {400}),
            (f"{base}2/?r=n&v=%FF%FE", {302, 400, 404}),
            (f"{base}{len(flow) + 1}/?r={'n' * len(flow)}&v={flow.version}", {302, 404}),
            (f"{base}end/?r={'y' * (len(flow) + 1)}&v={flow.version}", {400}),
            (f"{base}fixed/?r=n&v={flow.version}&s=%ED%A0%80", {400}),
        ]:
            response = client.get(url)
            assert response.status_code in statuses, url
            assert_clear(response, url)


# 4. Oversized and binary bodies, and methods a page does not take ---------------------------------

BINARY = bytes(range(256)) * 4
FORM = "application/x-www-form-urlencoded"
# (content type, body, extra WSGI environ)
HOSTILE_BODIES = {
    "oversized-form": (FORM, b"answer=n&note=" + b"a" * (300 * 1024), {}),
    "oversized-declared": (FORM, b"answer=n", {"CONTENT_LENGTH": str(10**9)}),
    "oversized-multipart": (
        "multipart/form-data; boundary=BoUnDaRy",
        b'--BoUnDaRy\r\nContent-Disposition: form-data; name="note"\r\n\r\n'
        + b"a" * (300 * 1024)
        + b"\r\n--BoUnDaRy--\r\n",
        {},
    ),
    "too-many-fields": (FORM, "&".join(f"f{i}=x" for i in range(300)).encode(), {}),
    "binary-form": (FORM, BINARY, {}),
    "binary-in-a-field": (FORM, b"answer=c&helpful=no&note=%00%FF&comment=" + BINARY[:64], {}),
    "invalid-utf8-form": (FORM, b"answer=%FF%FE&helpful=%C0%AF&next=%ED%A0%80", {}),
    "multipart-without-boundary": ("multipart/form-data", b"--x\r\n\r\n--x--", {}),
    "multipart-bad-boundary": ('multipart/form-data; boundary="a b\x01"', b"--a b\r\n", {}),
    "multipart-garbage": ("multipart/form-data; boundary=xyz", BINARY, {}),
    "multipart-truncated": (
        "multipart/form-data; boundary=xyz",
        b"--xyz\r\nContent-Disposition: form-da",
        {},
    ),
    "multipart-file": (
        "multipart/form-data; boundary=xyz",
        b'--xyz\r\nContent-Disposition: form-data; name="answer"; filename="../../x.sh"\r\n'
        b"Content-Type: application/x-sh\r\n\r\n#!/bin/sh\r\n--xyz--\r\n",
        {},
    ),
    "json": ("application/json", b'{"answer": "y", "helpful": "yes", "username": "admin"}', {}),
    "json-broken": ("application/json", b'{"answer": ', {}),
    "xml": (
        "application/xml",
        b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        {},
    ),
    "text": ("text/plain", b"answer=y&helpful=yes", {}),
    "no-content-type": ("", b"answer=y&helpful=yes", {}),
    "unknown-charset": (f"{FORM}; charset=evil-8", b"answer=%FF&helpful=%FF", {}),
    "utf16-charset": (f"{FORM}; charset=utf-16", b"answer=y\xff", {}),
    "content-length-junk": (FORM, b"answer=n", {"CONTENT_LENGTH": "-1"}),
}
POST_ENDPOINTS = ["{step1}", "{step3}?r=nn&v={v}", "{feedback}", "/preview/", "/admin/login/"]


@pytest.mark.parametrize(
    ("content_type", "body", "extra"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys()
)
def test_hostile_bodies(guide, content_type, body, extra):
    for csrf in (False, True):
        client = Client(enforce_csrf_checks=csrf)
        for template in POST_ENDPOINTS:
            url = fill(template, guide)
            response = client.generic("POST", url, body, content_type=content_type, **extra)
            assert_clear(response, f"{url} csrf={csrf}")
            html = response.content.decode()
            if csrf:
                assert response.status_code in (400, 403), url
            elif url == "/admin/login/":
                # The login form says what is wrong, or the request is refused.
                assert response.status_code == 400 or "errornote" in html or "errorlist" in html
            elif url == "/preview/":  # not signed in: asked to, before anything is read
                assert response.status_code in (302, 400)
            else:
                assert response.status_code == 400, url
    assert not StepAnswer.objects.exists()
    assert not ArticleVote.objects.exists()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"])
def test_methods_a_page_does_not_take(client, guide, method):
    for template in [
        "{article}",
        "{feedback}",
        "{begin}",
        "{step1}",
        "{fixed}?r=y&v={v}",
        "{end}",
        "{question}",
        "/search/?q=x",
        "/preview/",
        "/robots.txt",
    ]:
        url = fill(template, guide)
        response = client.generic(method, url, b"answer=y", content_type=FORM)
        assert response.status_code == 405, url
        assert_clear(response, url)
        assert "That doesn" in response.content.decode()
    assert not StepAnswer.objects.exists()


# 5. Odd headers -----------------------------------------------------------------------------------

HOSTILE_HEADERS = {
    "host-other-site": {"HTTP_HOST": "evil.example"},
    "host-bad-port": {"HTTP_HOST": "testserver:evil"},
    "host-userinfo": {"HTTP_HOST": "testserver@evil.example"},
    "host-broken-ipv6": {"HTTP_HOST": "[::1"},
    "host-huge": {"HTTP_HOST": "a" * 5_000},
    "host-non-ascii": {"HTTP_HOST": "tëstserver"},
    "host-crlf": {"HTTP_HOST": "testserver\r\nX-Evil: 1"},
    "forwarded-host": {"HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "evil"},
    "hx-target-script": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "<script>alert(1)</script>"},
    "hx-target-huge": {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results" * 1000},
    "hx-request-junk": {"HTTP_HX_REQUEST": "<script>", "HTTP_HX_BOOSTED": "evil"},
    "hx-current-url": {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_CURRENT_URL": "http://[::1/javascript:alert('evil')",
    },
    "hx-history-restore-junk": {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_HISTORY_RESTORE_REQUEST": "evil",
        "HTTP_HX_TRIGGER": "\xff" * 100,
        "HTTP_HX_PROMPT": "<script>",
    },
    "cookie-huge": {"HTTP_COOKIE": "; ".join(f"c{i}={'x' * 1000}" for i in range(100))},
    "cookie-malformed": {"HTTP_COOKIE": 'a=b=c; ;;; =x; "quoted; helpful_voter="\\000"; \xff=\xff'},
    "cookie-voter-junk": {"HTTP_COOKIE": "helpful_voter=<script>alert('evil')</script>"},
    "cookie-session-junk": {"HTTP_COOKIE": "sessionid=junk-junk-junk; csrftoken=<script>"},
    "cookie-session-huge": {"HTTP_COOKIE": f"sessionid={'a' * 10_000}"},
    # A quoted cookie value may carry octal escapes: this one decodes to a NUL byte.
    "cookie-session-nul": {"HTTP_COOKIE": 'sessionid="\\000aaaaaaaaaaaaaaaaaaaaaa"'},
    "cookie-csrf-nul": {"HTTP_COOKIE": 'csrftoken="\\000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"'},
    "user-agent-non-ascii": {
        "HTTP_USER_AGENT": "Mozilla/5.0 ñ \xff " + "📱".encode().decode("latin-1")
    },
    "user-agent-huge": {"HTTP_USER_AGENT": "x" * 20_000, "HTTP_REFERER": "javascript:alert(1)"},
    "accept-junk": {"HTTP_ACCEPT": "<script>", "HTTP_ACCEPT_LANGUAGE": "\xff;q=evil"},
}
HEADER_PAGES = ["/", "{feedback}", "{step1}", "/search/?q=message", "/preview/", "/admin/"]


@pytest.mark.parametrize("headers", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS.keys())
def test_hostile_headers(guide, headers):
    client = Client()
    for template in HEADER_PAGES:
        url = fill(template, guide)
        response = client.get(url, **headers)
        assert_clear(response, url)
        if "HTTP_HOST" in headers:
            assert response.status_code == 400
            assert "Something in that link isn" in response.content.decode()
    response = client.post(fill("{step1}", guide), {"answer": "n"}, **headers)
    assert_clear(response, "answer")
    response = client.post(fill("{feedback}", guide), {"helpful": "yes"}, **headers)
    assert_clear(response, "feedback")
    if "HTTP_HOST" not in headers:
        assert StepAnswer.objects.count() == 1
        assert ArticleVote.objects.count() == 1


def test_a_stale_csrf_cookie_gets_the_csrf_page(guide):
    client = Client(enforce_csrf_checks=True)
    for cookie in [
        "csrftoken=<script>",
        "csrftoken=" + "a" * 32,
        'csrftoken="\\000' + "a" * 31 + '"',
    ]:
        response = client.post(
            fill("{step1}", guide),
            {"answer": "y", "csrfmiddlewaretoken": "b" * 32},
            HTTP_COOKIE=cookie,
        )
        assert response.status_code == 403
        assert "Please try that again" in response.content.decode()
    assert not StepAnswer.objects.exists()

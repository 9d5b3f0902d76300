"""Checks of the links in the content: each link to the site's own pages must lead somewhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http.request import validate_host
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from troubleshooting import languages
from troubleshooting.markdown import render_markdown
from troubleshooting.models import Symptom, Topic, TriageQuestion

from .problems import Level, Problem, ProblemKind, Ref, field_name, quote
from .site import CONTENT_MODELS, Site


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None and href.strip() and href.strip() not in self.hrefs:
                self.hrefs.append(href.strip())


def links_in(html: str) -> list[str]:
    """Return the distinct link addresses in HTML, in order."""
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.hrefs


@dataclass(frozen=True)
class _Verdict:
    severity: Level
    kind: ProblemKind
    reason: str
    related: tuple[Ref, ...] = ()


def check_links(site: Site) -> Iterator[Problem]:
    """Links to the site's own pages must lead to a page the public can see."""
    for model in CONTENT_MODELS:
        for obj in site.all(model):
            if not site.is_live(obj):
                continue
            for source, target in obj.markdown_fields:
                stored = getattr(obj, target)
                text = getattr(obj, source)
                html = render_markdown(text) if obj is site.edited or not stored else stored
                label = field_name(type(obj), source)
                for href in links_in(html):
                    verdict = _judge_link(site, href)
                    if verdict is not None:
                        message = gettext("In %(field)s, the link to %(href)s %(reason)s") % {
                            "field": label,
                            "href": href,
                            "reason": verdict.reason,
                        }
                        yield Problem(
                            verdict.severity, verdict.kind, Ref.to(obj), message, verdict.related
                        )


def _own_host(host: str | None) -> bool:
    if not host:
        return False
    own = [pattern for pattern in settings.ALLOWED_HOSTS if pattern != "*"]
    return validate_host(host, own) or validate_host(f"[{host}]", own)


def _broken(reason: str, *related, fix: str | None = None) -> _Verdict:
    """Return a broken link's verdict: ``reason`` is said after "is broken:"."""
    # Translators: said of a link, after "the link to /messages/…": why, then what to do.
    text = gettext("is broken: %(reason)s. %(fix)s") % {
        "reason": reason,
        "fix": fix or gettext("Correct the address, or remove the link."),
    }
    return _Verdict(
        Level.ERROR, ProblemKind.BROKEN_LINK, text, tuple(Ref.to(obj) for obj in related)
    )


def _hidden(reason: str, site: Site, obj) -> str:
    """Fill in a reason naming ``obj`` and why the public can't see it."""
    return reason % {"name": quote(obj), "why": site.why_hidden(obj)}


def _judge_link(site: Site, href: str) -> _Verdict | None:
    """Return what is wrong with a link, or None if it works (or leads off the site)."""
    if href.startswith("#"):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, sms:
    if parts.scheme or parts.netloc:
        if not _own_host(parts.hostname):
            return None  # another site: not fetched
    elif not parts.path.startswith("/"):
        if not parts.path:
            return None  # "?..." stays on the same page
        return _Verdict(
            Level.ERROR,
            ProblemKind.BROKEN_LINK,
            gettext(
                "starts with neither “/” nor “https://”, so it leads somewhere different on each "
                "page that shows this text. For a page of this site, write its address starting "
                "with “/”, as the browser shows it after the site's name; for another site, "
                "start it with “https://”."
            ),
        )
    path = unquote(parts.path) or "/"
    static_url = settings.STATIC_URL  # with the script prefix, unless it's another host
    if static_url.startswith("/") and path.startswith(static_url):
        if finders.find(path.removeprefix(static_url)):
            return None
        return _broken(gettext("there is no such file on the site"))
    match = None
    for candidate in (path, path + "/") if not path.endswith("/") else (path,):
        # In the address's own language: /es/… only resolves while Spanish is on.
        match = languages.resolve_address(candidate)
        if match is not None:
            break
    if match is None:
        return _broken(gettext("there is no page at this address"))
    if match.namespace == "admin":
        return _broken(gettext("it leads to the editors' admin, which people can't open"))
    if match.namespace != "troubleshooting":
        return None
    return _judge_content_link(site, match, parts)


def _judge_content_link(site: Site, match, parts) -> _Verdict | None:
    kwargs = dict(match.kwargs)
    name = match.url_name
    if name == "preview":
        return _broken(gettext("it's the editors' preview switch, which people can't use"))
    if "topic_slug" not in kwargs:
        return None  # the home page, search, robots.txt, the sitemap
    renamed = False
    topic, moved = site.find(Topic, kwargs["topic_slug"])
    renamed |= moved
    if topic is None:
        return _broken(
            gettext("there is no topic %(slug)s") % {"slug": quote(kwargs["topic_slug"])}
        )
    kwargs["topic_slug"] = topic.slug
    if not site.is_live(topic):
        return _broken(_hidden(gettext("the topic %(name)s %(why)s"), site, topic), topic)
    if "symptom_slug" in kwargs:
        verdict, moved = _judge_symptom_link(site, topic, name, kwargs)
        renamed |= moved
        if verdict is not None:
            return verdict
    elif "question_slug" in kwargs:
        question, moved = site.find(TriageQuestion, kwargs["question_slug"])
        renamed |= moved
        if question is None or question.topic_id != topic.pk:
            reason = gettext("there is no triage question %(slug)s in %(topic)s")
            return _broken(reason % {"slug": quote(kwargs["question_slug"]), "topic": quote(topic)})
        kwargs["question_slug"] = question.slug
        if not site.is_live(question):
            reason = _hidden(gettext("the question %(name)s %(why)s"), site, question)
            return _broken(reason, question)
    elif name == "flow_start" and not any(
        q.is_start and site.is_live(q) for q in site.questions_of(topic)
    ):
        reason = gettext("the topic %(name)s has no published first question")
        return _broken(reason % {"name": quote(topic)}, topic)
    if renamed:
        return _renamed(match, kwargs, parts)
    return None


def _judge_symptom_link(site: Site, topic, name: str, kwargs: dict) -> tuple[_Verdict | None, bool]:
    """Judge the symptom part of a link; return the verdict and whether its slug is an old one."""
    symptom, moved = site.find(Symptom, kwargs["symptom_slug"])
    if symptom is None or symptom.topic_id != topic.pk:
        reason = gettext("there is no symptom %(slug)s in %(topic)s")
        return _broken(
            reason % {"slug": quote(kwargs["symptom_slug"]), "topic": quote(topic)}
        ), moved
    kwargs["symptom_slug"] = symptom.slug
    if not site.is_live(symptom):
        reason = _hidden(gettext("the symptom %(name)s %(why)s"), site, symptom)
        return _broken(reason, symptom), moved
    # Past its first step, a guided fix only works with the answers given so far.
    if name == "flow_fixed" or (name == "flow_step" and kwargs["number"] != 1):
        page = reverse("troubleshooting:symptom", args=[topic.slug, symptom.slug])
        verdict = _broken(
            gettext(
                "it leads into the middle of a guided fix, which only works with the answers "
                "given so far"
            ),
            symptom,
            fix=gettext("Link to the symptom's page, %(page)s, instead.") % {"page": page},
        )
        return verdict, moved
    if name == "flow_step" and not site.live_steps(symptom):
        reason = gettext("the symptom %(name)s has no published fix steps")
        return _broken(reason % {"name": quote(symptom)}, symptom), moved
    return None, moved


def _renamed(match, kwargs: dict, parts) -> _Verdict | None:
    # The current slugs are valid slugs, as the old ones matched the same patterns.
    with translation.override(languages.language_of_path(parts.path)):
        path = reverse(match.view_name, kwargs=kwargs)
    new = urlunsplit(("", "", path, parts.query, parts.fragment))
    return _Verdict(
        Level.WARNING,
        ProblemKind.RENAMED_LINK,
        # Translators: said of a link, after "the link to /messages/…".
        gettext(
            "uses an old address: it still works, through a redirect, but replace it with %(new)s."
        )
        % {"new": new},
    )

"""Whole public pages kept in the cache, retired the moment what they show may have changed.

When a new iOS release breaks messaging for millions, everyone reads the same few pages: each is
rendered once and then served from the cache (local memory, or Redis shared by every app server;
see ``CACHES`` in the settings).

Correctness:

- Every cached page is filed under a fingerprint of the release (templates, code, catalogues,
  static files' manifest) and the content version: the ``ContentVersion`` token, which changes on
  any save or delete of content (``signals.py``) and after ``migrate``, with the latest "publish
  on" time already passed, by the database's clock. A process trusts the version it last read for
  ``CONTENT_VERSION_CHECK_SECONDS`` (a second), so a change shows everywhere within that.
- A symptom's own pages (those whose address names it: ``SYMPTOM_KWARG``, its article, the steps
  of its guided fix, its "fixed" page) are filed instead under the frame token and that
  symptom's own token, with the same times. A save that changes only what no other symptom's
  own pages show (``OWN_PAGE_FIELDS``: its title, summary, text, in English or a translation),
  made inside a transaction as the admin's are (``remember_shown``), is scoped to it: it
  changes the token (every listing, search and other page is retired, as before) and that
  symptom's token (by each of its slugs, every language's), not the frame, so every other
  symptom's pages stay kept. A known issue's save (its update's, its translation's, what it
  names) is scoped the same way to the symptoms whose own pages show its banner, a fix step's or
  a cause's (or their translations') to the symptoms using it (``shared_content_saved``,
  ``SHOWN_ON``), and a triage question's words or its answers' (``QUESTION_PAGE_FIELDS``) to no
  symptom: the token changes, the frame is kept. Anything else (symptoms' addresses,
  publishing, which steps and causes a symptom uses, where a question leads, topics, deletes,
  migrations, a rebuilt index, any write not classified) changes the frame too: every page is
  retired, as does any write of the token alone (an older release's). So no page filed under a
  symptom's slug may show another symptom's ``OWN_PAGE_FIELDS`` (a "related" block would), an
  issue that names neither it nor its topic, a step or cause it doesn't use, or a question's
  words: such a field, or such a page, must then leave the map. At most ``SCOPED_SLUGS``
  symptom tokens are kept beside the frame; one more changes the frame instead, so what each
  process holds is bounded.
- The rest of the key is everything the page depends on: the language, scheme, host, path, the query
  parameters the view declares it reads (``public_page(query=...)``; the view sees no other, so
  junk parameters can't fill the cache with copies of one page), and what the views branch on of
  the htmx headers (htmx or not, a history restore, a target the view declares in
  ``public_page(targets=...)``; they also send ``Vary: HX-Request``). What stays unbounded is
  the values of the declared parameters (a search per query): entries expire after
  ``PAGE_CACHE_SECONDS``, and the cache holds a bounded number (``MAX_ENTRIES`` in local memory;
  Redis's ``maxmemory`` with LRU eviction, see ``docs/deployment.md``; ``RECENT_PAGES`` per
  process in ``RecentPages``).
- Only plain 200 responses to GET and HEAD that set no cookie are kept; editors previewing
  drafts, and pages that record something when they are seen, are never served from here.
- What differs between people is put in after the cache: the form's CSRF token and the guided
  fix's anonymous session key (``s``) are stored as placeholders and filled in per request, so a
  cached page never carries someone else's token or session; a page with neither is also kept
  gzipped, for the clients that accept it (``page_entries.py``).

What each process holds is one ``PageCache`` (``page_cache``), created with the process: the
pages it served last, kept in front of the shared cache (``RecentPages``); the content version it
trusts for now; and which caches it leaves alone while they fail. ``page_cache.reset()`` starts it
afresh, as a new process would (the tests do so before each test).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, unquote_plus

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import TooManyFieldsSent
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, transaction
from django.db.models import Q, Subquery, TextField
from django.db.models.functions import Cast, Now
from django.utils.translation import get_language

from .bounded import RecentlyUsed
from .models import (
    TRANSLATION_MODELS,
    Cause,
    ContentVersion,
    FixStep,
    KnownIssue,
    KnownIssueTranslation,
    KnownIssueUpdate,
    PendingChange,
    Status,
    Symptom,
    SymptomTranslation,
    Topic,
    TopicListing,
    TriageChoice,
    TriageQuestion,
    TriageQuestionTranslation,
)
from .outcomes import recording
from .page_addresses import Missed, page_addresses
from .page_entries import PageEntry, answer, answer_with, fill_in, make_entry
from .page_query import (
    SESSION_PARAM,
    SESSION_PLACEHOLDER,
    declared_fields,
    filed_query,
    show_as_sent,
    show_only,
)
from .prepared import Prepared

logger = logging.getLogger(__name__)

# Translations too: a language scheduled to go live retires the pages still showing the English.
SCHEDULED_MODELS = (
    Topic,
    Symptom,
    Cause,
    FixStep,
    TriageQuestion,
    KnownIssue,
    *TRANSLATION_MODELS.values(),
)
# Times after which content leaves the pages on its own: a known issue's scheduled end.
SCHEDULED_ENDS = ((KnownIssue, "ends_at"),)
CACHE_RETRY_SECONDS = 5
RECENT_PAGES = 500
# The URL parameter that makes a cached page one symptom's own: the views' addresses name it so.
SYMPTOM_KWARG = "symptom_slug"
# What a symptom's own pages alone show of a row: a save that changes nothing else (``updated``
# changes on every save) retires that symptom's pages and the site's listings, not the others'.
# Its title shows on pages no symptom owns too (the listings, searches, questions and known
# issues, all under the token), and on no other symptom's own page.
_OWN_WORDS = frozenset(
    {"title", "summary", "body", "body_html", "aliases", "next_moves", "next_moves_html", "updated"}
)
OWN_PAGE_FIELDS = {
    Symptom: _OWN_WORDS | {"reviewed_on", "checked_on_ios"},
    SymptomTranslation: _OWN_WORDS | {"source_snapshot"},
}
# What the guided fix's questions alone show of a row: a question's words and its answers'. No
# symptom's own page shows them (step 1 links back to the question that led to it by its
# address, which these leave as it is), so a save that changes nothing else retires the pages
# no symptom owns (the questions, listings, searches) and keeps every symptom's own pages.
# Where a question or an answer leads, and whether it is shown at all, are not here.
_QUESTION_WORDS = frozenset({"prompt", "help", "help_html", "updated"})
QUESTION_PAGE_FIELDS = {
    # An editor's review dates show on no public page.
    TriageQuestion: _QUESTION_WORDS | {"reviewed_on", "checked_on_ios"},
    TriageQuestionTranslation: _QUESTION_WORDS | {"choices", "source_snapshot"},
    TriageChoice: frozenset({"label", "hint"}),
}
# The symptoms such a save shows on: none.
_NO_SYMPTOM = Q(pk__in=())
# Symptom tokens kept beside the frame (by slug); one more and the frame changes instead.
SCOPED_SLUGS = 200
# Rows shown, of the symptoms' own pages, only on some symptoms' (``shared_content_saved``):
# those symptoms (a filter of ``Symptom``), from a saved row.
SHOWN_ON: dict[type, Callable[..., Q]] = {
    # A known issue's banner (with its timeline and translation): the symptoms it names, or
    # whose topic it names.
    KnownIssue: lambda row: _showing(row.pk),
    KnownIssueUpdate: lambda row: _showing(row.issue_id),
    KnownIssueTranslation: lambda row: _showing(row.source_id),
    # A fix step or a cause, shared between symptoms: those using it.
    FixStep: lambda row: Q(symptom_steps__step=row.pk),
    TRANSLATION_MODELS[FixStep]: lambda row: Q(symptom_steps__step=row.source_id),
    Cause: lambda row: Q(symptom_causes__cause=row.pk),
    TRANSLATION_MODELS[Cause]: lambda row: Q(symptom_causes__cause=row.source_id),
}


def _new_token() -> str:
    return secrets.token_hex(16)


def content_changed(*, symptoms: Q | None = None, **kwargs) -> None:
    """Retire the cached pages that may show what was saved or deleted: all, by default.

    ``symptoms`` (a filter of ``Symptom``): the change shows on those symptoms' own pages and
    on the pages that list content, not on other symptoms' pages (``content_saved``,
    ``shared_content_saved``). Runs inside the writer's transaction, so
    the new token becomes visible with the change itself, and disappears with it if the change
    is rolled back.
    """
    _new_version(symptoms)
    # The home page's stored listings are made again from the committed content: until then,
    # the new token makes the page work them out live (``listings.py``).
    from . import listings  # listings reads content, whose models import this module's

    listings.relist_later()


def _new_version(symptoms: Q | None = None) -> None:
    page_cache.forget_version()
    token = _new_token()
    if symptoms is not None and _new_symptom_tokens(token, symptoms):
        return
    if ContentVersion.objects.filter(pk=1).update(token=token, scoped=""):
        return
    try:
        with transaction.atomic():
            ContentVersion.objects.create(pk=1, token=token)
    except IntegrityError:  # another writer created it first: its token is as new
        pass


def _new_symptom_tokens(token: str, shown: Q) -> bool:
    """Give these symptoms' pages a new token, not the frame; return False if the frame must.

    The row is read locked (``select_for_update``; SQLite's writers already wait for each
    other): no other writer reads the symptoms' tokens before this transaction ends and loses
    these. The symptoms are read after the lock is held: every writer that changes which
    symptoms a filter finds (a symptom moved to another topic, a new slug) writes this row in
    its transaction, so its change is committed and seen by then, and the pages it rendered
    under its own token are retired here (PostgreSQL's statements each see what has committed).
    """
    row = ContentVersion.objects.filter(pk=1)
    with transaction.atomic():
        held = row.select_for_update().values_list("token", "scoped").first()
        if held is None:
            return False
        frame, symptoms = _frame(*held)
        symptoms = {**symptoms, **dict.fromkeys(_slugs_of(shown), token)}
        if len(symptoms) > SCOPED_SLUGS:
            return False  # the caller changes the frame, in the same transaction
        scoped = {"at": token, "frame": frame, "symptoms": symptoms}
        row.update(token=token, scoped=json.dumps(scoped, sort_keys=True))
    return True


def _frame(token: str, scoped: str) -> tuple[str, dict[str, str]]:
    """Return the frame token and the symptoms' tokens, from the token and what was scoped.

    What was scoped holds only if the token is still the one it was written with: a write of
    the token alone (a save of anything else, or an older release's) changed the frame.
    """
    try:
        held = json.loads(scoped) if scoped else {}
        if held.get("at") == token:
            return str(held["frame"]), dict(held["symptoms"])
    except (ValueError, TypeError, KeyError, AttributeError):
        logger.warning("The content version's scoped tokens are unreadable: every page retired.")
    return token, {}


def content_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """Retire what a save scoped by its fields may have changed (``post_save``).

    A symptom's or its translation's (``OWN_PAGE_FIELDS``), a triage question's, its answers'
    or its translation's (``QUESTION_PAGE_FIELDS``).
    """
    before = instance.__dict__.pop("_shown_before", None)
    shown = None
    if not (created or raw) and before is not None:
        shown = _own_symptom(sender, instance, before)
    content_changed(symptoms=shown)


def remember_shown(
    sender, instance, raw: bool = False, using: str = DEFAULT_DB_ALIAS, **kwargs
) -> None:
    """Read the row as it was, for ``content_saved`` to see what the save changes (``pre_save``).

    Only for a whole instance saved inside a transaction: the row is read locked until the save
    commits (``select_for_update``; SQLite's writers already wait for each other), so no other
    writer's change (a new slug) can come between this read and the save unseen. A save outside
    a transaction, or of an instance with deferred fields, is not scoped: it retires every page.
    """
    if raw or instance.pk is None or instance.get_deferred_fields():
        return
    if not transaction.get_connection(using).in_atomic_block:
        return
    names = [field.attname for field in sender._meta.concrete_fields]
    row = sender._base_manager.using(using).select_for_update().filter(pk=instance.pk)
    instance.__dict__["_shown_before"] = row.values(*names).first()


def _own_symptom(model, instance, before: dict) -> Q | None:
    """Return the symptom whose own pages alone show this save (a filter), else None.

    A question's (or an answer's) words are shown on no symptom's own page: a filter of none.
    """
    own = OWN_PAGE_FIELDS.get(model) or QUESTION_PAGE_FIELDS.get(model)
    if own is None:
        return None
    fields = {field.attname: field.name for field in model._meta.concrete_fields}
    changed = {fields[name] for name, value in before.items() if getattr(instance, name) != value}
    if not changed <= own:
        return None
    if model in QUESTION_PAGE_FIELDS:
        return _NO_SYMPTOM
    return Q(pk=instance.pk if model is Symptom else instance.source_id)


def _slugs_of(symptoms: Q) -> frozenset[str]:
    """Return every address of these symptoms' pages: English slugs and every translation's.

    Translations in any status: a draft's address may be served to an editor, and one published
    or withdrawn since is still in the cache. One query.
    """
    english = Symptom._base_manager.filter(symptoms).order_by().values_list("slug")
    symptom_ids = Symptom._base_manager.filter(symptoms).values("pk")
    translations = SymptomTranslation._base_manager.filter(source__in=symptom_ids).order_by()
    rows = english.union(translations.values_list("slug"))
    return frozenset(slug for (slug,) in rows)


def shared_content_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    """Retire what a save shown on some symptoms' own pages alone changed (``post_save``).

    A known issue (its update, its translation) shows its banner on the own pages of the
    symptoms it names or whose topic it names; a fix step or a cause (or its translation) on
    those of the symptoms using it (their articles, guided fixes and "fixed" pages; a page made
    for an earlier list of a symptom's steps, which may show a step it no longer uses, is never
    kept: ``views.flow._kept_if_current``). Both show on the listings and searches too. So the
    save changes the token and those symptoms' tokens (``SHOWN_ON``): every other symptom's
    pages stay kept, and an issue's update in a surge doesn't retire the pages everyone reads.

    What a row shows on is not changed by its own save: which symptoms use a step or which an
    issue names is a link's save (``known_issue_lists_changed``; the frame for steps' and
    causes' links), and an update or a translation is never moved to another source (the admin
    offers no way). A new one shows on none yet: the listings alone are retired. A fixture's
    save (``raw``: its links may not be loaded yet) retires every page.
    """
    if raw:
        content_changed()
        return
    content_changed(symptoms=SHOWN_ON[sender](instance))


def known_issue_lists_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    """Retire the pages of the symptoms an issue starts or stops naming (``m2m_changed``).

    An issue's topics or symptoms (``KnownIssue.topics``, ``KnownIssue.symptoms``), from
    either side: the symptoms added or removed (a topic's symptoms), or those a clear removes.
    The listings are retired as on any save; the other symptoms' banners have not changed.
    """
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    by_topic = sender is KnownIssue.topics.through
    if reverse:  # a symptom's or a topic's issues: that symptom, or that topic's symptoms
        ids = [instance.pk]
    elif action == "pre_clear":  # every symptom (topic) the issue names, before the clear
        ids = sender.objects.filter(knownissue=instance.pk).values(
            "topic_id" if by_topic else "symptom_id"
        )
    else:
        ids = pk_set
    content_changed(symptoms=Q(topic__in=ids) if by_topic else Q(pk__in=ids))


def _showing(issue: int) -> Q:
    """Return the symptoms whose own pages show an issue's banner (a filter of ``Symptom``).

    Those it names and those of each topic it names, as the banner's tag picks them
    (``templatetags.known_issues._affecting``: the two must agree).
    """
    named = KnownIssue.symptoms.through.objects.filter(knownissue=issue).values("symptom_id")
    by_topic = KnownIssue.topics.through.objects.filter(knownissue=issue).values("topic_id")
    return Q(pk__in=named) | Q(topic__in=by_topic)


def content_changed_after_migrate(using, **kwargs) -> None:
    """Retire every cached page after migrations: they may have changed content or its meaning.

    The home page's listings are stored again only where their table exists: migrations may
    stop short of it.
    """
    tables = connections[using].introspection.table_names()
    if ContentVersion._meta.db_table not in tables:
        return
    if TopicListing._meta.db_table in tables:
        content_changed()
    else:
        _new_version()


def _went_live() -> dict:
    """The latest "publish on" (and scheduled end) time already passed, by the database's clock.

    The database's clock also decides what the public sees (``live()``), so the two agree even
    where an app server's clock is off.
    """
    times = [(model, "publish_at") for model in SCHEDULED_MODELS] + list(SCHEDULED_ENDS)
    return {
        f"{field}_{model._meta.model_name}": Subquery(
            model.objects.filter(status=Status.PUBLISHED, **{f"{field}__lte": Now()})
            .order_by(f"-{field}")
            .values(field)[:1]
        )
        for model, field in times
    }


class Version(NamedTuple):
    """What cached pages are filed under now, as read from the database."""

    whole: str  # the token and what has gone live: every page but a symptom's own
    frame: str  # the frame token and what has gone live: a symptom's own pages
    symptoms: dict[str, str]  # slug → the token of a symptom changed since the frame

    def of_page(self, symptom_slug: str | None) -> str:
        """Return what a page is filed under: one symptom's own, or any other."""
        if symptom_slug is None:
            return self.whole
        return f"{self.frame}|{self.symptoms.get(symptom_slug, '')}"


def content_version() -> str:
    """Return what cached pages are filed under now: the token, and what has gone live since."""
    return page_cache.content_version()


def _due_change() -> Subquery:
    """The first approved change whose time has come, by the database's clock, if any."""
    return Subquery(PendingChange.objects.due().values("pk")[:1])


def _content_version_query(*, preview: bool):
    """Return the query that reads the token and what has gone live, unevaluated.

    Its SQL is written once per process and language (``prepared.Prepared``): its dozen
    subqueries cost more to build and compile than to run, and it holds no time (the
    database's clock decides). The times are read as text, as the database writes them, the
    same whether the ORM or the driver returns the row.
    """
    went_live = {
        name: Cast(subquery, output_field=TextField()) for name, subquery in _went_live().items()
    }
    query = ContentVersion.objects.filter(pk=1).annotate(**went_live, due_change=_due_change())
    return query.values_list("token", "scoped", *went_live, "due_change")


_content_version_read = Prepared(_content_version_query)


def _version_row() -> tuple | None:
    """Return the content version's row, or None in a database no content was ever saved in."""
    rows = _content_version_read.rows()
    return rows[0] if rows else None


def _read_content_version() -> Version:
    row = _version_row()
    if row is None:  # a database no content was ever saved in
        content_changed()
        row = _version_row()
    if row[-1] is not None:
        # A change approved for a time is applied by the first page to notice the time came, as
        # scheduled content appears: no cron job. It is the one write a page request may make.
        from . import review  # review writes content, whose signals call back into this module

        review.apply_due_safely()
        row = _version_row()
    token, scoped, *went_live = row[:-1]
    frame, symptoms = _frame(token, scoped)
    return Version(
        whole=":".join(str(value) for value in (token, *went_live)),
        frame=":".join(str(value) for value in (frame, *went_live)),
        symptoms=symptoms,
    )


@functools.cache
def release() -> str:
    """Fingerprint what renders pages (templates, code, catalogues, the static files' names).

    In the cache key, so a deploy retires the pages the previous release rendered, and servers
    on two releases during a rolling deploy never serve each other's pages.
    """
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    return _digest([manifest], start=rendering_release())


@functools.cache
def rendering_release() -> str:
    """Fingerprint what renders HTML from content: templates, the app's code, the catalogues.

    The stored pieces (``pieces.py``) carry it: they name no static file, so a deploy's
    ``collectstatic`` need not come before ``render_content``.
    """
    base = Path(settings.BASE_DIR)
    files = [*(base / "templates").rglob("*.html"), *(base / "troubleshooting").rglob("*.py")]
    files += [path for folder in settings.LOCALE_PATHS for path in Path(folder).rglob("*.mo")]
    return _digest(sorted(files))


def _digest(paths: list[Path], start: str = "") -> str:
    digest = hashlib.blake2b(start.encode(), digest_size=8)
    for path in paths:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _htmx_header(meta, name: str) -> str | None:
    """Return an htmx header's value as django-htmx reads it: URI-encoded values decoded.

    From ``META`` directly: ``request.htmx`` reads ``request.headers``, which copies every
    header of the request, a cost a cached page would pay on every hit.
    """
    value = meta.get(name) or None
    if value and meta.get(f"{name}_URI_AUTOENCODED") == "true":
        value = unquote(value)
    return value


def is_htmx_swap(meta) -> bool:
    """Return whether a request is htmx's for part of a page (not a history restore's whole one).

    As django-htmx reads its headers (``request.htmx`` and its ``history_restore_request``),
    from ``META`` without building ``request.headers``.
    """
    if _htmx_header(meta, "HTTP_HX_REQUEST") != "true":
        return False
    return _htmx_header(meta, "HTTP_HX_HISTORY_RESTORE_REQUEST") != "true"


def _htmx_parts(request, targets: frozenset[str]) -> list[str]:
    """Return what the views branch on of htmx's headers, as django-htmx reads them.

    Whether it is an htmx request and a history restore, and the target only where the view
    declares it answers that target differently: any other header value is the same page, so
    junk values can't fill the cache. Decoded as django-htmx decodes them, so the key can't
    disagree with the view.
    """
    meta = request.META
    if _htmx_header(meta, "HTTP_HX_REQUEST") != "true":
        return ["", "", ""]
    target = _htmx_header(meta, "HTTP_HX_TARGET")
    restore = _htmx_header(meta, "HTTP_HX_HISTORY_RESTORE_REQUEST") == "true"
    return ["htmx", target if target in targets else "", "restore" if restore else ""]


def _page_key(
    request, fields: dict[str, str], targets: frozenset[str], symptom_slug: str | None = None
) -> tuple[str, str]:
    """Return the cache key of the page asked for, and the session key to fill in (if any).

    ``symptom_slug``: the page is that symptom's own (its address names it).
    """
    session = fields.get(SESSION_PARAM, "")
    if "%" in session or "+" in session:
        session = unquote_plus(session)
    session = session if recording.is_key(session) else ""
    meta = request.META  # read directly: this runs on every page, ahead of everything else
    parts = [
        release(),
        page_cache.version().of_page(symptom_slug),
        request.scheme,
        # The middleware already validated the host; get_host() would validate it again.
        meta.get("HTTP_HOST") or request.get_host(),
        # The address holds the language (/es/, /fr/, none for English) but the key says it
        # too: a page rendered in one language is never served in another, whatever the URLconf.
        get_language() or "",
        request.path,
        filed_query(fields),
        "session" if session else "",
        *_htmx_parts(request, targets),
    ]
    digest = hashlib.blake2b(
        "\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=20
    ).hexdigest()
    return f"page:{digest}", session


def _storable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(response, "not_for_cache", False)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


# Headers that may hold an address of the page's own: a redirect's, htmx's.
_ADDRESS_HEADERS = ("Location", "HX-Location", "HX-Push-Url", "HX-Redirect", "HX-Replace-Url")


def _with_session(request, response, session: str):
    """Return a response the cache does not keep with the person's key for the placeholder."""
    for name in _ADDRESS_HEADERS:
        if name in response:
            response[name] = response[name].replace(SESSION_PLACEHOLDER, session)
    if response.streaming:
        logger.warning("A streamed page is sent with the session's placeholder: %s", request.path)
        return response
    if hasattr(response, "render"):
        response.render()
    response.headers.pop("Content-Length", None)  # the body sent sets it
    response.content = fill_in(request, response.content, session, csrf=False)
    return response


def keep_out_of_cache(response):
    """Mark a response the page cache must not keep (it depends on more than its address)."""
    response.not_for_cache = True
    return response


class RecentPages(RecentlyUsed[tuple[float, PageEntry]]):
    """The pages this process served last, kept as they are, in front of the shared cache.

    Always right: what a key names never changes (the key holds the release and the content
    version). It saves the shared cache's round trip (Redis) and unpickling on the pages people
    read most. Each is kept as long as the shared cache keeps it.
    """

    def get(self, key: str) -> PageEntry | None:
        found = super().get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, entry: PageEntry) -> None:
        super().put(key, (time.monotonic() + settings.PAGE_CACHE_SECONDS, entry))


class PageCache:
    """What one process holds of the page cache; created once, with the process (``page_cache``).

    The pages it served last (``recent``), the content version it trusts until the next check,
    and the caches it leaves alone for a while after they failed.
    """

    def __init__(self, *, recent_size: int = RECENT_PAGES):
        self.recent = RecentPages(size=recent_size)
        self._trusted: tuple[Version, float] | None = None  # (version, until) on monotonic()
        self._resting: dict[str, float] = {}  # cache alias → left alone until, on monotonic()

    def reset(self) -> None:
        """Start afresh, as a new process: no page kept, no version trusted, no cache resting.

        No address remembered either (``page_addresses.py``): every page is resolved again.
        """
        self.recent.clear()
        self.forget_version()
        self._resting.clear()
        page_addresses.clear()
        for data in _shared_data:
            data.forget()

    def forget_version(self) -> None:
        """Ask the database for the content version next time, instead of trusting the last."""
        self._trusted = None

    def content_version(self) -> str:
        """Return the content version, read at most once per ``CONTENT_VERSION_CHECK_SECONDS``."""
        return self.version().whole

    def version(self) -> Version:
        """Return every page's version, read at most once per ``CONTENT_VERSION_CHECK_SECONDS``."""
        trusted, clock = self._trusted, time.monotonic()
        if trusted is not None and trusted[1] > clock:
            return trusted[0]
        try:
            version = _read_content_version()
        except DatabaseError:
            if trusted is None:
                raise
            # The database is out of reach: the pages kept under the last version read are
            # still right, and serving them beats a 503 on every page.
            logger.warning("Could not read the content version; serving the pages kept.")
            version = trusted[0]
        self._trusted = (version, clock + settings.CONTENT_VERSION_CHECK_SECONDS)
        return version

    def get(self, key: str):
        """Return a page's entry from this process, else from the shared cache, else None."""
        entry = self.recent.get(key)
        if entry is None:
            entry = self._ask("default", "get", key)
            if entry is not None:
                self.recent.put(key, entry)
        return entry

    def set(self, key: str, entry: PageEntry) -> None:
        """Keep a page's entry here and in the shared cache."""
        self.recent.put(key, entry)
        self._ask("default", "set", key, entry, settings.PAGE_CACHE_SECONDS)

    def _ask(self, alias: str, method: str, *args):
        """Ask a cache, or carry on without it: pages are slower while it is down, not broken.

        After a failure the cache is left alone for ``CACHE_RETRY_SECONDS``, so a Redis that
        hangs costs one short timeout now and then, not one on every request.
        """
        if self._resting.get(alias, 0) > time.monotonic():
            return None
        try:
            return getattr(caches[alias], method)(*args)
        except Exception:  # whatever the backend raises when its server is gone
            self._resting[alias] = time.monotonic() + CACHE_RETRY_SECONDS
            logger.warning(
                "The %s cache is not answering; serving pages without it for %s s.",
                alias,
                CACHE_RETRY_SECONDS,
                exc_info=True,
            )
            return None


page_cache = PageCache()


class SharedData:
    """Data every page shows (the known-issue banners), computed once per content version.

    Not a page: each page is still rendered afresh when the page cache can't serve it. What
    ``compute`` returns is read by every request this process serves under the same version,
    so it must depend on the content alone and never be changed by its readers.
    """

    def __init__(self, compute: Callable):
        self._compute = compute
        self._held: tuple[str, object] | None = None
        _shared_data.append(self)

    def get(self, version: str | None = None):
        """Return the data for the current content version (or ``version``, read already)."""
        version = version or content_version()
        held = self._held
        if held is None or held[0] != version:
            held = self._held = (version, self._compute())
        return held[1]

    def forget(self) -> None:
        self._held = None


_shared_data: list[SharedData] = []


def cached_page(
    *,
    skip_if: Callable,
    query: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    session_param: bool = False,
) -> CachedPage:
    """Serve a public page from the cache; ``skip_if(request)`` says when not to (previews).

    ``query``: the query parameters the view reads. The page is filed under those alone (in a
    fixed order, one value each), and the view sees only those, so an address with others
    added (a tracking tag, or junk sent to fill the cache) is the same page and the same entry.
    ``targets``: the htmx targets (``HX-Target``) the view answers with something else.
    ``session_param``: the view carries the guided fix's ``s`` key into its links; the page is
    cached once for every session and each person's key filled in.
    """
    names = frozenset(query) | ({SESSION_PARAM} if session_param else frozenset())
    return CachedPage(skip_if=skip_if, names=names, targets=frozenset(targets))


class CachedPage:
    """One view's page cache: a decorator for the view, and its hits answered on their own."""

    def __init__(self, *, skip_if: Callable, names: frozenset[str], targets: frozenset[str]):
        self.skip_if = skip_if
        self.names = names
        self.targets = targets

    def __call__(self, view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not self.serves(request):
                return view(request, *args, **kwargs)
            missed = getattr(request, "page_missed", None)
            if missed is not None and missed[0] is self:  # looked up already, before the view
                _page, fields, key, session = missed
                entry = None
            else:
                fields, key, session, entry = self._look_up(request, kwargs)
            if entry is not None:
                return answer(request, entry, session)
            show_only(request, fields, session)
            try:
                return _render_and_keep(request, view(request, *args, **kwargs), key, session)
            except Exception:
                # The error page (a 404) is made from the query with the person's own key.
                show_as_sent(request)
                raise

        return wrapper

    def serves(self, request) -> bool:
        """Say whether the cache may answer this request (a GET or HEAD, no preview)."""
        return bool(
            request.method in ("GET", "HEAD")
            and settings.PAGE_CACHE_SECONDS
            and not self.skip_if(request)
        )

    def hit(self, request, *args, **kwargs):
        """Return the kept page that answers ``request``, else raise ``Missed``: the view must.

        What the view's own wrapper would answer from the cache, before the URL resolver has
        run (``page_addresses.py``), called through the layers the view has outside its cache.
        A request it can't read (too many query parameters) is left to the view, which refuses
        it as it always did; a database that fails raises, as it would in the view.
        """
        if not self.serves(request):
            raise Missed
        try:
            fields, key, session, entry = self._look_up(request, kwargs)
        except TooManyFieldsSent:
            raise Missed from None
        if entry is None:
            # The view renders the page: its wrapper files it under this key, not looked up again.
            request.page_missed = (self, fields, key, session)
            raise Missed
        return answer(request, entry, session)

    def _look_up(self, request, kwargs) -> tuple[dict[str, str], str, str, PageEntry | None]:
        fields = declared_fields(request, self.names)
        # Read once: what the view's own layers count (searches) reads them from here.
        request.page_query = fields
        key, session = _page_key(request, fields, self.targets, kwargs.get(SYMPTOM_KWARG))
        return fields, key, session, page_cache.get(key)


def _render_and_keep(request, response, key: str, session: str):
    """Keep a response the cache may hold, with its token and session as placeholders.

    One it may not hold (``keep_out_of_cache``, an error page) is sent as the view made it, but
    for the session: the view was shown a placeholder for it (``show_only``), which the person's
    own key replaces, as in a kept page.
    """
    if not _storable(response):
        return _with_session(request, response, session) if session else response
    if hasattr(response, "render"):
        response.render()
    entry = make_entry(response)
    page_cache.set(key, entry)
    return answer_with(request, response, entry, session)

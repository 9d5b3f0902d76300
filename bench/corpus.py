"""Content for benchmarks: the demo guide copied N times, a generated search corpus, and the
addresses to request, all asked of the app itself so they stay valid as it changes.

Used in-process by bench/search.py, and in a subprocess (with the server's settings) by the HTTP
benchmark and the load test:

    python -m bench.corpus populate --copies 10 --corpus 10000 --outcomes
    python -m bench.corpus flow-step      # the address of step 2 of "Stuck on Sending"
    python -m bench.corpus flow-step --language es                # the same step in Spanish
    python -m bench.corpus address /messages/not-delivered/ --language es   # a page in Spanish
    python -m bench.corpus addresses      # what bench/http.py measures, in English and Spanish
    python -m bench.corpus requests       # every request of the load test, as JSON
    python -m bench.corpus edit --every 3 --seconds 12   # an editor saving an article
    python -m bench.corpus edit --on-cue      # the same, once "go" is read from standard input
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEMO_FIXTURE = ROOT / "fixtures" / "imessage.json"

QUERIES = [
    "green bubble",
    "says delivered but he never got it",
    "imesage not workng",
    "red exclamation mark",
    "stuck on sending",
    "deliv",
    "bluetooth headphones pairing",
    "wifi calling drops",
]


def scratch_postgres(url: str) -> tuple[str, callable]:
    """Create an empty database beside the one ``url`` names; return its URL and a dropper."""
    import psycopg

    parsed = urlparse(url)
    name = f"{parsed.path.lstrip('/') or 'postgres'}_bench_{os.getpid()}"
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunparse(parsed._replace(path=f"/{name}")), drop


def generate(count: int) -> None:
    """Add ``count`` published symptoms with plausible, varied text to the demo guide."""
    from troubleshooting import search
    from troubleshooting.models import SearchDocument, Status, Symptom, Topic

    random.seed(20261123)
    vocabulary = sorted(set(search.vocabulary()))
    extra = [
        "bluetooth", "headphones", "pairing", "battery", "charging", "camera", "blurry", "screen",
        "flicker", "keyboard", "calling", "wifi", "hotspot", "facetime", "voicemail", "contacts",
        "storage", "backup", "icloud", "photos", "alarm", "volume", "speaker", "microphone",
    ]  # fmt: skip
    words = vocabulary + extra * 20

    def sentence(length: int) -> str:
        return " ".join(random.choice(words) for _ in range(length)).capitalize() + "."

    topics = [
        Topic.objects.create(
            title=f"Area {n}", slug=f"area-{n}", summary="Generated.", status=Status.PUBLISHED
        )
        for n in range(20)
    ]
    symptoms = [
        Symptom(
            topic=topics[n % len(topics)],
            title=sentence(random.randint(3, 6))[:-1],
            slug=f"generated-{n}",
            summary=sentence(18),
            body=" ".join(sentence(random.randint(8, 16)) for _ in range(5)),
            aliases="\n".join(sentence(3)[:-1].lower() for _ in range(2)),
            status=Status.PUBLISHED,
        )
        for n in range(count)
    ]
    Symptom.objects.bulk_create(symptoms, batch_size=1000)  # no save(): indexed below at once
    search.rebuild()
    search.vocabulary()
    print(f"Corpus: {Symptom.objects.count()} symptoms, {SearchDocument.objects.count()} documents")


def copy_guide(copies: int) -> None:
    """Make the demo guide ``copies`` times as big: copies 2..N of it, each under its own topic,
    with every slug suffixed (so its steps, causes and questions are its own, as an editor's
    would be), loaded like the demo itself, through the fixture."""
    from django.apps import apps
    from django.core.management import call_command

    demo = json.loads(DEMO_FIXTURE.read_text())

    def suffixed(value, suffix):
        if isinstance(value, list):  # a natural key, or a list of them
            return [suffixed(item, suffix) for item in value]
        return f"{value}{suffix}"

    objects = []
    for copy in range(2, copies + 1):
        suffix = f"-{copy}"
        for item in demo:
            fields = dict(item["fields"])
            model = apps.get_model(item["model"])
            for name, value in fields.items():
                # Natural keys only: a translated question's answers are a list too.
                relation = model._meta.get_field(name).is_relation
                if name == "slug" or (relation and value):
                    fields[name] = suffixed(value, suffix)
            if item["model"] == "troubleshooting.topic":
                fields["title"] = f"{fields['title']} ({copy})"
                fields["position"] = copy
            objects.append({**item, "fields": fields})
    if not objects:
        return
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "copies.json"
        fixture.write_text(json.dumps(objects))
        call_command("loaddata", str(fixture), verbosity=0)


def populate(*, copies: int, corpus: int, outcomes: bool) -> str:
    """Add content to a database holding the demo guide; return what was added, in words."""
    from django.core.management import call_command

    from troubleshooting.models import FixStep, Symptom, Topic

    copy_guide(copies)
    if corpus:
        generate(corpus)
    if outcomes:
        call_command("generate_outcomes", "--force", verbosity=0)
    # The copies were loaded raw, as a fixture is: render their pieces, as a deploy does.
    call_command("render_content", pieces_only=True, verbosity=0)
    settle_statistics()
    return (
        f"demo guide x{copies} + {corpus:,} generated symptoms"
        f"{' + outcomes history' if outcomes else ''}: {Topic.objects.count()} topics, "
        f"{Symptom.objects.count():,} symptoms, {FixStep.objects.count()} fix steps"
    )


def settle_statistics() -> None:
    """Give PostgreSQL the statistics and visibility map its autovacuum keeps on a live site.

    Tables filled a moment ago have neither: the planner takes each topic for one symptom and
    every index-only scan reads the rows too, plans no running site has (measured: the home
    page's queries took 14 ms instead of 4).
    """
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    models = apps.get_app_config("troubleshooting").get_models()
    tables = {model._meta.db_table for model in models if model._meta.managed}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM (ANALYZE) "{table}"')


def flow_step_url(language: str = "en") -> str:
    """Step 2 of "Stuck on Sending" after "No" at step 1, as the app links to it, in a language."""
    from troubleshooting.flow import Flow
    from troubleshooting.models import Symptom

    return address(
        Flow.for_symptom(Symptom.objects.get(slug="stuck-on-sending")).step_url(2, "n"), language
    )


def bench_addresses(languages: list[str]) -> dict[str, dict[str, str]]:
    """The pages bench/http.py measures, by page and language, at the addresses the app links to."""
    pages = {"home": "/", "article": "/messages/not-delivered/", "flow step": flow_step_url()}
    return {
        page: {language: address(url, language) for language in languages}
        for page, url in pages.items()
    }


def address(url: str, language: str) -> str:
    """Return the English page at ``url`` at its address in ``language``, as the switcher does."""
    from troubleshooting.languages import address_in

    return url if language == "en" else address_in(url, language)


def load_requests(*, answers_per_step: int = 1) -> list[dict]:
    """Every request of the load test: the public pages (full, and some as htmx fragments) and
    "Did this fix it?" answers to the steps of the demo guide and one copy of it.

    Each item is ``{"method", "path", "kind"}`` and, for answers, ``"form"`` (the fields besides
    the CSRF token). Answers carry no session key, so each starts a session of its own: every one
    writes to the database, the worst case for the outcomes tables.
    """
    from django.urls import reverse

    from troubleshooting.flow import Answer, Flow
    from troubleshooting.models import Symptom, Topic, TriageQuestion

    requests = []

    def get(path, kind="page"):
        requests.append({"method": "GET", "path": path, "kind": kind})

    get(reverse("troubleshooting:home"))
    get(reverse("system:robots_txt"), "other")
    get(reverse("system:sitemap"), "other")
    for query in QUERIES:
        get(f"{reverse('troubleshooting:search')}?{urlencode({'q': query})}")
    guides = ["messages", "messages-2"]
    for topic in Topic.objects.filter(slug__in=guides):
        get(topic.get_absolute_url())
    for question in TriageQuestion.objects.filter(topic__slug__in=guides):
        get(question.get_absolute_url())
    for symptom in Symptom.objects.filter(topic__slug__in=guides).select_related("topic"):
        get(symptom.get_absolute_url())
        flow = Flow.for_symptom(symptom)
        if not flow.steps:
            continue
        get(reverse("troubleshooting:flow_begin", args=[symptom.topic.slug, symptom.slug]), "begin")
        for number, step in enumerate(flow.steps, start=1):
            results = Answer.NOT_FIXED * (number - 1)
            url = flow.step_url(number, results)
            get(url)
            get(url, "fragment")
            destructive = step.is_destructive
            if destructive:
                get(flow.step_url(number, results, confirm="1"))
            choices = [Answer.NOT_FIXED, Answer.SKIPPED, Answer.FIXED, Answer.CANT_DO]
            for n in range(answers_per_step):
                answer = choices[(number + n) % len(choices)]
                form = {"answer": answer}
                if destructive and answer in {Answer.FIXED, Answer.NOT_FIXED}:
                    form["confirmed"] = "1"
                if answer == Answer.CANT_DO:
                    form["note"] = "Load test"
                requests.append({"method": "POST", "path": url, "kind": "answer", "form": form})
        get(flow.fixed_url(Answer.NOT_FIXED + Answer.FIXED))
        get(flow.end_url(Answer.NOT_FIXED * len(flow)))
    return requests


def _wait_for_cue() -> None:
    """Load what a save uses, say "ready", and wait for "go" on standard input."""
    from troubleshooting.models import Symptom

    Symptom.objects.get(slug=EDITED_SLUG)  # the connection opened, the model's code loaded
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit('edit --on-cue: no "go" on standard input.')


# What bench/saves.py's editor may change: an article's summary or title, an update posted to
# the known issue naming it (``surge_issue``), the triage question leading to it, or its topic's
# title.
EDITED_FIELDS = ("summary", "title", "issue", "question", "topic")
EDITED_SLUG = "not-delivered"
SURGE_ISSUE = "bench-surge"


def surge_issue():
    """Return the known issue naming the edited article, published; made the first time."""
    from django.db import transaction

    from troubleshooting.models import KnownIssue, Status, Symptom

    with transaction.atomic():
        issue, created = KnownIssue.objects.get_or_create(
            slug=SURGE_ISSUE,
            defaults={
                "title": "Messages not delivered after the iOS update",
                "symptoms_seen": "Messages stay on **Not Delivered**.",
                "workaround": "Send it as a text message.",
                "status": Status.PUBLISHED,
            },
        )
        if created:
            issue.symptoms.add(Symptom.objects.get(slug=EDITED_SLUG))
    return issue


def edit(*, every: float, seconds: float, field: str = "summary") -> int:
    """Save an edit every ``every`` seconds for ``seconds``, as an editor would; return how many.

    Each save changes its ``field`` (back and forth), so it goes through everything a real save
    does: the search index, and retiring the cached pages that may show it. A summary or a
    title shows, of the symptoms' own pages, on the article's alone, and on the listings
    (``caching.OWN_PAGE_FIELDS``). ``issue`` posts an update to the known issue naming the
    article instead, as during an outage: its banner shows on the article's pages and the
    listings alone (``caching.shared_content_saved``). ``question`` rewords the triage question
    leading to the article: the questions and the listings show it, no symptom's own page
    (``caching.QUESTION_PAGE_FIELDS``). ``topic`` renames the article's topic, which every page
    of the topic shows (its breadcrumbs): its save retires every cached page.
    """
    from django.db import transaction

    from troubleshooting.models import (
        IssueState,
        KnownIssueUpdate,
        Symptom,
        Topic,
        TriageQuestion,
    )

    issue = surge_issue() if field == "issue" else None
    saves, ends = 0, time.monotonic() + seconds
    while time.monotonic() < ends:
        time.sleep(min(every, max(0.0, ends - time.monotonic())))
        with transaction.atomic():  # as the admin saves: only a save in one is scoped
            if issue is not None:
                body = f"Update {saves + 1}: Apple is still looking into it."
                KnownIssueUpdate.objects.create(
                    issue=issue, state=IssueState.INVESTIGATING, body=body
                )
            else:
                if field == "question":
                    item = TriageQuestion.objects.get(choices__symptom__slug=EDITED_SLUG)
                    name = "prompt"
                elif field == "topic":
                    item, name = Topic.objects.get(symptoms__slug=EDITED_SLUG), "title"
                else:
                    item, name = Symptom.objects.get(slug=EDITED_SLUG), field
                edited = " (Updated.)"
                value = getattr(item, name)
                value = value[: -len(edited)] if value.endswith(edited) else value + edited
                setattr(item, name, value)
                item.save()
        saves += 1
    return saves


def main() -> None:
    parser = argparse.ArgumentParser(description="Content and addresses for the benchmarks.")
    commands = parser.add_subparsers(dest="command", required=True)
    fill = commands.add_parser("populate")
    fill.add_argument("--copies", type=int, default=10)
    fill.add_argument("--corpus", type=int, default=10_000)
    fill.add_argument("--outcomes", action="store_true")
    commands.add_parser("flow-step").add_argument("--language", default="en")
    commands.add_parser("addresses").add_argument("--languages", default="en,es")
    translated = commands.add_parser("address")
    translated.add_argument("url")
    translated.add_argument("--language", default="en")
    commands.add_parser("requests")
    commands.add_parser("surge-issue")
    editing = commands.add_parser("edit")
    editing.add_argument("--every", type=float, default=3)
    editing.add_argument("--seconds", type=float, default=12)
    editing.add_argument("--field", choices=EDITED_FIELDS, default="summary")
    # Set up first, then say "ready" and wait for "go": the measured phase then sees the saves,
    # not this interpreter's start and Django's set-up (a second of CPU on the site's two cores).
    editing.add_argument("--on-cue", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "populate":
        print(populate(copies=args.copies, corpus=args.corpus, outcomes=args.outcomes))
    elif args.command == "flow-step":
        print(flow_step_url(args.language))
    elif args.command == "addresses":
        json.dump(bench_addresses(args.languages.split(",")), sys.stdout)
    elif args.command == "address":
        print(address(args.url, args.language))
    elif args.command == "surge-issue":
        print(surge_issue().get_absolute_url())
    elif args.command == "edit":
        if args.on_cue:
            _wait_for_cue()
        print(edit(every=args.every, seconds=args.seconds, field=args.field))
    else:
        json.dump(load_requests(), sys.stdout)


if __name__ == "__main__":
    main()


@contextmanager
def demo_database(database_url: str | None, *, prefix: str):
    """Set Django up on a scratch database holding the demo guide; drop it afterwards.

    A PostgreSQL URL gets a scratch database beside the one it names; without one, a SQLite
    file in a temporary folder.
    """
    cleanup = None
    workdir = tempfile.TemporaryDirectory(prefix=prefix)
    if database_url:
        url, cleanup = scratch_postgres(database_url)
    else:
        url = f"sqlite:///{workdir.name}/bench.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="helpcenter.settings",
        DATABASE_URL=url,
        DJANGO_SECRET_KEY="bench-only",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="ERROR",
    )
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connections

    try:
        print(f"Database: {connections['default'].vendor}")
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0)
        yield
    finally:
        connections.close_all()
        if cleanup:
            cleanup()
        workdir.cleanup()

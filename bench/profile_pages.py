"""Where a page's time goes, rendered afresh or served from the page cache: cProfile per page.

    .venv/bin/python bench/profile_pages.py                    # every target, 200 requests each
    .venv/bin/python bench/profile_pages.py --cached           # served from the warm page cache
    .venv/bin/python bench/profile_pages.py --only home --top 40 --sort tottime
    .venv/bin/python bench/profile_pages.py --language es      # the same pages under /es/
    .venv/bin/python bench/profile_pages.py --database-url postgres://user:pass@127.0.0.1:5432/db

Loads a throwaway database (a SQLite file under .local/, or a scratch PostgreSQL database beside
the one a URL names, dropped afterwards) as bench/http.py does (the demo guide copied, generated
symptoms), with production settings and the page cache off (``DJANGO_PAGE_CACHE_SECONDS=0``).
For each target (the home page, an article, a flow step as an htmx fragment and as a whole page,
an answer posted to a step, searches the page cache would not answer, each asked for in turn,
the bare view for comparison) it prints the time per request, the database queries and
``reverse()`` calls per request, and the functions that took the most time under cProfile.

With ``--cached`` the page cache is on and warm, and the cached targets (not the answer) are
asked for straight through Django's WSGI handler, as gunicorn asks, with the HTTP benchmark's
headers (``CACHED_HEADERS``): the test client's own work per request was as much as what a
cached hit costs beyond the bare view, the difference being sought.
"""

import argparse
import cProfile
import io
import itertools
import os
import pstats
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


def prepare(database_url: str | None, workdir: Path, copies: int, corpus: int):
    """Point Django at a new database filled as the HTTP benchmark's; return its dropper."""
    drop = None
    if database_url:
        from bench.corpus import scratch_postgres

        url, drop = scratch_postgres(database_url)
    else:
        url = f"sqlite:///{workdir / 'db.sqlite3'}"
    use(url, workdir)
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["load_demo", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, check=True)
    populate = ["populate", f"--copies={copies}", f"--corpus={corpus}"]
    subprocess.run([sys.executable, "-m", "bench.corpus", *populate], cwd=ROOT, check=True)
    return drop


def use(url: str, workdir: Path) -> None:
    """Set the environment for production settings on this database, the page cache off."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=url,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        DJANGO_PAGE_CACHE_SECONDS="0",
        DJANGO_LOG_LEVEL="ERROR",
        BENCH_STATIC_ROOT=str(workdir / "static"),
    )


# Words people search by, per language: each finds results (a miss is never cached anyway).
SEARCHES = {
    "en": ("wifi calling drops", "message not delivered", "imessage wont send", "roaming abroad"),
    "es": ("no pone entregado", "entregado pero no le llego", "leido y no contesta"),
    "fr": ("reste sur envoie", "redemarer iphone", "mod avion", "itinerence"),
}

# What every request of the HTTP benchmark sends beyond the address, as a browser would.
CACHED_HEADERS = {"HTTP_USER_AGENT": "wrk", "HTTP_ACCEPT_ENCODING": "gzip"}
FRAGMENT_COOKIE = "csrftoken=" + "benchmarkbrowsercsrfcookie".ljust(32, "x")


def targets(language: str = "en") -> dict:
    """Name → (method, path, extra arguments for the test client), at ``language``'s addresses."""
    from bench.corpus import address, flow_step_url
    from bench.urls import BASELINE_PATH

    step = flow_step_url(language)
    search = address("/search/", language)
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": f"http://testserver{step}"}
    return {
        "baseline": ("get", BASELINE_PATH, {}),
        "home": ("get", address("/", language), {}),
        "article": ("get", address("/messages/not-delivered/", language), {}),
        "topic": ("get", address("/messages/", language), {}),
        "flow fragment": ("get", step, htmx),
        "flow step": ("get", step, {}),
        # "Skip" at step 2: a valid answer, recorded, then a 303 to step 3.
        "answer POST": ("post", step, {"data": {"answer": "s"}}),
        # Searches the page cache would not answer: distinct words, taken in turn.
        "search": ("get", [f"{search}?{urlencode({'q': q})}" for q in SEARCHES[language]], {}),
    }


class WsgiClient:
    """Requests straight to Django's WSGI handler, as gunicorn makes them: no test client.

    A cached hit costs little more than the bare view, and the test client's own work per
    request (its signals, copies and cookie jar) was as much as the difference being sought.
    """

    def __init__(self, headers: dict[str, str]):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        self.headers = headers  # sent with every request, as a browser sends its own

    def get(self, path: str, **extra):
        """Return the response to a GET of ``path``, its body read as a server reads it."""
        import io as stdio

        address, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": address,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": stdio.BytesIO(),
            "wsgi.errors": sys.stderr,
            **self.headers,
            **extra,
        }
        if "HTTP_HX_REQUEST" in extra:  # the page before it set the cookie
            environ["HTTP_COOKIE"] = FRAGMENT_COOKIE
        started = []
        response = self.handler(environ, lambda status, headers: started.append(status))
        try:
            for _chunk in response:
                pass
        finally:
            response.close()
        response.status_code = int(started[0].split()[0])
        return response


def measure(client, method: str, path: str | list[str], extra: dict, repeat: int):
    """Return (CPU ms per request, queries, reverse() calls per request, profile).

    A target of several paths asks for each in turn, so none is asked for twice in a row.
    """
    from django.db import connection
    from django.urls import resolvers

    paths = itertools.cycle(path if isinstance(path, list) else [path])
    by_method = getattr(client, method)

    def call(_path, **extra):
        return by_method(next(paths), **extra)

    expected = 303 if method == "post" else 200
    for _ in range(5):  # warm the template and URL caches, the connection
        response = call(path, **extra)
        assert response.status_code == expected, (path, response.status_code)

    reverse_calls = 0
    original = resolvers.URLResolver._reverse_with_prefix

    def counting(self, *args, **kwargs):
        nonlocal reverse_calls
        reverse_calls += 1
        return original(self, *args, **kwargs)

    resolvers.URLResolver._reverse_with_prefix = counting
    queries = []

    def counting_queries(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(counting_queries):
            call(path, **extra)
    finally:
        resolvers.URLResolver._reverse_with_prefix = original

    # CPU time, the best of five blocks: on a shared machine, wall time mostly measures the load.
    block = max(1, repeat // 5)
    elapsed = float("inf")
    for _ in range(5):
        started = time.process_time()
        for _ in range(block):
            call(path, **extra)
        elapsed = min(elapsed, (time.process_time() - started) / block)

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        call(path, **extra)
    profiler.disable()
    return elapsed * 1000, len(queries), reverse_calls, profiler


# Where self time is spent, by the code that spends it: the first group whose text is in a
# function's file name (or, for built-ins, in its name) takes it.
GROUPS = (
    ("SQL (database driver)", ("sqlite3", "psycopg", "execute", "fetch")),
    ("ORM: compiling SQL", ("/db/models/sql/compiler", "/db/backends/")),
    (
        "ORM: building queries",
        (
            "/db/models/sql/",
            "/db/models/expressions",
            "/db/models/lookups",
            "/db/models/query_utils",
            "/db/models/fields/related_lookups",
        ),
    ),
    ("ORM: rows to objects", ("/db/models/",)),
    ("templates", ("/django/template/", "/template_partials/", "/templatetags/")),
    (
        "escaping, safe strings",
        ("/django/utils/html", "/django/utils/safestring", "/django/utils/functional"),
    ),
    ("URLs (reverse, resolve)", ("/django/urls/", "addresses.py")),
    ("thread/context locals", ("asgiref",)),
    (
        "middleware, request, response",
        (
            "/django/middleware/",
            "/django/http/",
            "/django/core/",
            "/django/contrib/",
            "/csp/",
            "/django_htmx/",
            "/axes/",
            "/whitenoise/",
        ),
    ),
    ("test client", ("/django/test/",)),
    ("the site's code", ("/troubleshooting/", "/helpcenter/")),
)


def summarise(profiler, repeat: int) -> list[tuple[str, float]]:
    """Return (group, ms of self time per request) for the profile, biggest first.

    A built-in's time (``getattr``, ``isinstance``...) goes to the groups of its callers, in
    proportion, so the template engine's attribute lookups count as templates.
    """
    stats = pstats.Stats(profiler).stats

    def group_of(filename: str, function: str) -> str:
        where = filename if filename != "~" else function
        return next(
            (name for name, marks in GROUPS if any(mark in where for mark in marks)),
            "other (Python, standard library)",
        )

    totals: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, callers) in stats.items():
        shares = {(filename, function): tottime}
        if filename == "~" and callers and group_of(filename, function).startswith("other"):
            edges = {caller: edge[2] for caller, edge in callers.items()}
            whole = sum(edges.values()) or 1.0
            shares = {(c[0], c[2]): tottime * tt / whole for c, tt in edges.items()}
        for (where, name), seconds in shares.items():
            group = group_of(where, name)
            totals[group] = totals.get(group, 0.0) + seconds * 1000 / repeat
    return sorted(totals.items(), key=lambda item: -item[1])


def parse_arguments() -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--repeat", type=int, default=200, help="requests per target (200)")
    parser.add_argument("--top", type=int, default=15, help="functions shown per target (15)")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime)")
    parser.add_argument("--only", action="append", help="a target's name (repeatable)")
    parser.add_argument(
        "--language", default="en", help="the pages at this language's addresses (en, es, fr)"
    )
    parser.add_argument("--copies", type=int, default=10, help="demo guide copies (10)")
    parser.add_argument("--corpus", type=int, default=2_000, help="generated symptoms (2,000)")
    parser.add_argument(
        "--cached", action="store_true", help="serve from the warm page cache (no answer POST)"
    )
    parser.add_argument(
        "--reuse", type=Path, help="a SQLite work directory to keep and use again (made if new)"
    )
    return parser.parse_args()


def start_client(cached: bool):
    """Set Django up, with the page cache on if ``cached``; return the client to measure with."""
    if cached:
        # After the database is filled: its commands need not see a cache they'd retire.
        os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "600"
    import django

    django.setup()
    from django.test import Client

    # Served from the cache, as the HTTP benchmark asks: a browser's headers, htmx's
    # requests with the CSRF cookie the page before them set (bench/http.py).
    return WsgiClient(CACHED_HEADERS) if cached else Client()


def print_profile(name: str, method: str, path: str, profiler, args) -> None:
    """Print a target's busiest functions and its self time by kind of work."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort)
    stats.print_stats(args.top)
    shown = " ".join(path) if isinstance(path, list) else path
    print(f"\n=== {name}: {method.upper()} {shown}")
    print("\n".join(out.getvalue().splitlines()[4:]))
    groups = summarise(profiler, args.repeat)
    total = sum(ms for _group, ms in groups)
    print(f"Self time by kind of work, ms per request under the profiler ({total:.1f}):")
    for group, ms in groups:
        print(f"  {group:34}{ms:>8.2f}{ms / total:>7.0%}")


def main() -> int:
    args = parse_arguments()
    (ROOT / ".local").mkdir(exist_ok=True)
    workdir = args.reuse or Path(tempfile.mkdtemp(prefix="profile-", dir=ROOT / ".local"))
    drop = None
    try:
        if args.reuse and (workdir / "db.sqlite3").exists():
            use(f"sqlite:///{workdir / 'db.sqlite3'}", workdir)
        else:
            workdir.mkdir(parents=True, exist_ok=True)
            drop = prepare(args.database_url, workdir, args.copies, args.corpus)
        client = start_client(args.cached)
        summary = []
        for name, (method, path, extra) in targets(args.language).items():
            if args.only and name not in args.only and name != "baseline":
                continue
            if args.cached and method != "get":
                continue
            ms, queries, reverses, profiler = measure(client, method, path, extra, args.repeat)
            summary.append((name, ms, queries, reverses))
            if name != "baseline":
                print_profile(name, method, path, profiler, args)
        base_ms = summary[0][1]
        print(f"\n{'':16}{'CPU ms/req':>11}{'×baseline':>11}{'queries':>9}{'reverse()':>11}")
        for name, ms, queries, reverses in summary:
            print(f"{name:16}{ms:>11.2f}{ms / base_ms:>11.1f}{queries:>9}{reverses:>11}")
    finally:
        if drop:
            from django.db import connections

            connections.close_all()
            drop()
        if not args.reuse:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

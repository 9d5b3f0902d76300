"""Requests per second and latency of the site's pages under gunicorn, as ratios to a bare view.

    .venv/bin/python bench/http.py                     # cached and uncached, 3 rounds of 3 s
    .venv/bin/python bench/http.py --rounds 5 --seconds 5          # steadier figures, ~8 min
    .venv/bin/python bench/http.py --rounds 1 --seconds 1 --no-saves   # a quick smoke run
    .venv/bin/python bench/http.py --database-url postgres://user:pass@127.0.0.1:5432/db

Serves the site as production does (gunicorn, 2 workers, DEBUG off) on a throwaway database with
the demo guide copied 10 times, 10,000 generated symptoms and a history of outcomes (see
bench/server.py), then runs wrk on 127.0.0.1 against each target in turn, round after round, so
every target sees the same machine load: a bare Django view returning a few bytes (the baseline, in
bench/urls.py only), the home page, an article, a flow step as a full page and as an htmx fragment,
a search, and an answer posted to a step (always recorded: it writes); the home page, the article
and the fragment in Spanish too (``/es/``, at their translated addresses), beside the English, with
the same aims. It does so twice from the same database, with the page cache (as served) and without
it (``DJANGO_PAGE_CACHE_SECONDS=0``, as every page is right after an editor's save), and prints a
table for each: requests per second, median and p99 latency, each as a ratio to the baseline of the
same table, the CPU each request took in the server (gunicorn's processes) and, on PostgreSQL, in
the database server's processes (read from /proc around each run), and the targets. Then, with
the cache, the editor's-save scenario (bench/saves.py): 64 connections, steady, then while
content is saved every few seconds. Exits 1 if any response was not
what it should be (the figures would mean nothing), and, with --check, if a target is not met.
"""

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: this file would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.saves import run_saves  # noqa: E402
from bench.server import (  # noqa: E402
    BASELINE_PATH,
    WRK,
    WRK_MISSING,
    Run,
    Site,
    add_site_arguments,
    fetch,
    lua_report,
    wrk,
)


@dataclass
class Target:
    name: str
    path: str
    headers: dict
    # Requests per second, as a fraction of the baseline's: with the cache, and without it.
    cached: float | None
    uncached: float | None
    fragment: bool = False
    body: bytes | None = None  # a POST's form
    expected: int = 200
    script: Path | None = field(default=None, compare=False)


# An htmx request comes from a page the browser already has, so it carries the CSRF cookie that
# the guided fix's first page set (any 32 letters will do: Django only checks them on a POST,
# where the form carries the same secret).
CSRF_SECRET = "benchmarkbrowsercsrfcookie".ljust(32, "x")
CSRF_COOKIE = "csrftoken=" + CSRF_SECRET


def targets(addresses: dict[str, dict[str, str]]) -> list[Target]:
    """The pages to measure: each Spanish one right after its English one, with the same aims."""
    flow_step = addresses["flow step"]["en"]
    post_headers = {
        "Cookie": CSRF_COOKIE,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    # "Skip" at the step: recorded (a new session each time, the most writing), then a 303.
    answer = urlencode({"csrfmiddlewaretoken": CSRF_SECRET, "answer": "s"}).encode()
    plan = [Target("baseline", BASELINE_PATH, {}, None, None)]
    for page, aims, fragment in (
        ("home", (0.9, 0.2), False),
        ("article", (0.9, 0.2), False),
        ("flow step", (0.6, None), False),
        ("flow fragment", (0.9, 0.4), True),
    ):
        for language in ("en", "es") if page != "flow step" else ("en",):
            path = addresses["flow step" if fragment else page][language]
            headers = _fragment_headers(path) if fragment else {}
            name = page if language == "en" else f"{page.split()[-1]} ({language})"
            plan.append(Target(name, path, headers, *aims, fragment=fragment))
    return plan + [
        Target("search", "/search/?q=green+bubble", {}, 0.6, None),
        Target("answer POST", flow_step, post_headers, 0.3, 0.3, body=answer, expected=303),
    ]


def _fragment_headers(flow_step: str) -> dict[str, str]:
    """What htmx sends for a step's fragment, from the page before it (which set the cookie)."""
    return {
        "HX-Request": "true",
        "HX-Current-URL": f"http://127.0.0.1{flow_step}",
        "Cookie": CSRF_COOKIE,
    }


def check_responses(site: Site, plan: list[Target]) -> None:
    """Every target answers as it should: a whole page, a fragment of one, or a redirect."""
    for target in plan:
        status, body = fetch(site.base + target.path, target.headers, target.body)
        whole = b"<html" in body[:500].lower()
        page = target.path != BASELINE_PATH and target.expected == 200
        if status != target.expected or (page and whole == target.fragment):
            site.fail()
            kind = "fragment" if target.fragment else "page"
            raise SystemExit(
                f"{target.name} ({target.path}) answered {status}, "
                f"{'a whole page' if whole else 'not a whole page'} (a {kind} was expected)."
            )


def write_scripts(site: Site, plan: list[Target]) -> None:
    """Give every target its wrk script: the report, and a POST's method and body."""
    report = lua_report(count_statuses=True)
    for number, target in enumerate(plan):
        target.script = site.workdir / f"target-{number}.lua"
        post = ""
        if target.body is not None:
            post = f'wrk.method = "POST"\nwrk.body = "{target.body.decode()}"\n'
        target.script.write_text(post + report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the targets (3)")
    parser.add_argument("--seconds", type=int, default=3, help="length of one wrk run (3)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds per target, unmeasured (1)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds before a request "
                        "counts as timed out (10)")  # fmt: skip
    parser.add_argument("--only", choices=("cached", "uncached"), help="one table, not both")
    parser.add_argument("--no-saves", action="store_true", help="skip the editor's-save scenario")
    parser.add_argument("--saves-seconds", type=int, default=12, help="length of each phase "
                        "of the editor's-save scenario (12)")  # fmt: skip
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is not met")
    add_site_arguments(parser)
    args = parser.parse_args()
    if not WRK:
        print(WRK_MISSING, file=sys.stderr)
        return 2

    below: list[str] = []
    with Site.from_arguments(args) as site:
        print(f"Site: {site.description}")
        print(
            f"gunicorn: {args.workers} sync workers, DEBUG off, at {site.base}; wrk: "
            f"{args.threads} threads, {args.connections} connections; rounds × seconds per "
            f"target: {args.rounds} × {args.seconds}, targets alternated",
            flush=True,
        )
        plan = targets(json.loads(site.app("addresses").strip().splitlines()[-1]))
        write_scripts(site, plan)
        for cached in (True, False):
            if args.only and args.only != ("cached" if cached else "uncached"):
                continue
            if not cached:
                site.restart(DJANGO_PAGE_CACHE_SECONDS="0")
            failed = measure_table(site, plan, args, cached=cached, below=below)
            if failed:
                return failed
            saves = cached and not args.no_saves
            if saves and not run_saves(site, seconds=args.saves_seconds, check=args.check):
                return 1
    if below and args.check:
        return 1
    return 0


def measure_table(site: Site, plan: list[Target], args, *, cached: bool, below: list) -> int:
    """Measure every target round after round and print the table; return 1 if any failed."""
    check_responses(site, plan)
    title = "With the page cache" if cached else "Without the page cache (every page rendered)"
    print(f"\n{title}:", flush=True)

    def measure(target: Target, seconds: int) -> tuple[Run, dict | None]:
        before = site.cpu_seconds()
        run = wrk(
            site.base + target.path,
            seconds=seconds,
            connections=args.connections,
            threads=args.threads,
            script=target.script,
            headers=target.headers,
            timeout=args.timeout,
        )
        # wrk leaves requests queued in the server when it stops: slow pages would leave the
        # next target seconds of someone else's work (with no response of its own in a short
        # run). A request of our own, queued behind them, returns once they are done.
        for _ in range(args.workers):
            fetch(site.base + BASELINE_PATH)
        after = site.cpu_seconds()
        if before is None or after is None or not run.requests:
            return run, None
        # CPU per request, in ms: where a page's time goes beyond the server (the database).
        return run, {kind: 1000 * (after[kind] - before[kind]) / run.requests for kind in after}

    runs: dict[str, list[Run]] = {target.name: [] for target in plan}
    cpu: dict[str, list[dict]] = {target.name: [] for target in plan}
    if args.warmup:
        for target in plan:
            measure(target, args.warmup)
    for round_number in range(args.rounds):
        shift = round_number % len(plan)  # a different target goes first in every round
        for target in plan[shift:] + plan[:shift]:
            run, used = measure(target, args.seconds)
            runs[target.name].append(run)
            if used is not None:
                cpu[target.name].append(used)
            site.check_alive()
        print(f"  round {round_number + 1} of {args.rounds} done", flush=True)

    expected = {target.name: target.expected for target in plan}
    bad = {
        name: (sum(run.failures for run in results), statuses(results))
        for name, results in runs.items()
        if any(run.failures for run in results) or set(statuses(results)) != {expected[name]}
    }
    if bad:
        site.fail()
        for name, (failures, by_status) in bad.items():
            print(f"{name}: {failures} errors; responses by status: {by_status}")
        print("Not every response was as expected: these figures mean nothing.", file=sys.stderr)
        return 1
    below += [
        f"{name} ({'cached' if cached else 'uncached'})"
        for name in report(plan, runs, cached, cpu=cpu, database=bool(args.database_url))
    ]
    logged = site.logged_errors()
    if logged:
        site.fail()
        print(f"The server logged {len(logged)} errors:", *logged[:10], sep="\n  ")
        return 1
    return 0


def statuses(results: list[Run]) -> dict[int, int]:
    total: dict[int, int] = {}
    for run in results:
        for code, count in run.statuses.items():
            total[code] = total.get(code, 0) + count
    return total


def report(
    plan: list[Target],
    runs: dict[str, list[Run]],
    cached: bool,
    *,
    cpu: dict[str, list[dict]] | None = None,
    database: bool = False,
) -> list[str]:
    """Print the table; return the names of the targets not met.

    ``cpu``: each run's CPU per request in ms, of the server and of the database's processes
    (``Site.cpu_seconds``), shown as medians over rounds where it was measured; ``database``:
    whether the database has processes of its own (PostgreSQL), whose column is shown then.
    """
    cpu = cpu or {}
    kinds = [kind for kind in ("server", "database") if kind == "server" or database]
    if not all(cpu.get(target.name) for target in plan):
        kinds = []
    figures = {
        name: (
            statistics.median(run.rps for run in results),
            statistics.median(run.p50 for run in results),
            statistics.median(run.p99 for run in results),
            sum(run.requests for run in results),
            sum(run.bytes for run in results) // max(1, sum(run.requests for run in results)),
        )
        for name, results in runs.items()
    }
    base_rps, base_p50, base_p99, _, _ = figures["baseline"]
    print(
        f"{'':14}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}{'bytes':>8}{'requests':>10}"
        f"{'req/s ×base':>13}{'median ×base':>14}{'p99 ×base':>11}"
        + "".join(f"{kind + ' CPU':>14}" for kind in kinds)
        + "   target"
    )
    below = []
    for target in plan:
        rps, p50, p99, count, size = figures[target.name]
        ratio = rps / base_rps if base_rps else 0.0
        minimum = target.cached if cached else target.uncached
        verdict = ""
        if minimum is not None:
            met = ratio >= minimum
            verdict = f"≥ {minimum:.1f}× {'PASS' if met else 'BELOW'}"
            if not met:
                below.append(target.name)
        used = "".join(
            f"{statistics.median(run[kind] for run in cpu[target.name]):>14.2f}" for kind in kinds
        )
        print(
            f"{target.name:14}{rps:>9.0f}{p50 * 1000:>11.1f}{p99 * 1000:>9.1f}{size:>8}{count:>10}"
            f"{ratio:>13.2f}{p50 / base_p50:>14.1f}{p99 / base_p99:>11.1f}{used}   {verdict}"
        )
    print(
        "req/s: median over rounds of each run's requests per second; median and p99 ms: "
        "medians over rounds of each run's percentiles.\nreq/s ×base = target ÷ baseline "
        "(higher is better; 1.00 is as fast as the bare view). Latency ×base = target ÷ "
        "baseline (lower is better). Every response was as expected (200; 303 for the answer)."
    )
    if kinds:
        print(
            "CPU: ms of CPU per request, median over rounds, of the server (gunicorn's arbiter "
            "and workers)"
            + (" and of the database server's processes" if "database" in kinds else "")
            + "; the rest of the machine's time per request goes to wrk and the kernel."
        )
    if below:
        print(f"Below target: {', '.join(below)}.")
    return below


if __name__ == "__main__":
    sys.exit(main())

"""An editor's save during a surge: latency while cached pages are retired, every few seconds.

    .venv/bin/python bench/saves.py                       # 12 s steady, then 12 s of saves
    .venv/bin/python bench/saves.py --seconds 30 --every 5
    .venv/bin/python bench/saves.py --field topic         # a save that retires every page
    .venv/bin/python bench/saves.py --field issue         # a known issue's update, in an outage
    .venv/bin/python bench/saves.py --field question      # a triage question reworded

Serves the site as bench/http.py does, with the page cache, and cycles wrk's 64 connections
through the public pages people read in a surge (bench/corpus.py's load requests: home, topics,
triage questions, articles, every step of two guides as pages and htmx fragments, fixed and end
pages; not searches, which bench/search.py measures). After a warm-up as long, first steady,
then for as long again while an editor saves an edit every few seconds
(``python -m bench.corpus edit``): each save of its summary (the default) or its title
(``--field title``) retires the article's own pages and every listing, each update posted to a
known issue naming it (``--field issue``) the same pages, each rewording of the triage question
leading to it (``--field question``) the questions and the listings alone, and each save of its
topic's title (``--field topic``) every cached page (``caching.py``), so the requests right after
it are rendered afresh. Prints both
phases' figures, and exits 1 on any error, or, with --check, if the p99 latency during the saves
is more than 3 times the steady one.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.corpus import EDITED_FIELDS  # noqa: E402
from bench.load import lua_script  # noqa: E402
from bench.server import (  # noqa: E402
    BASELINE_PATH,
    WRK,
    WRK_MISSING,
    Run,
    Site,
    add_site_arguments,
    fetch,
    wrk,
)

CONNECTIONS = 64
P99_LIMIT = 3.0  # the p99 during saves, at most this many times the steady p99
# What each save retires of the cached pages, by what the editor changes (``caching.py``).
RETIRED = {
    "summary": "the article's own pages and the listings",
    "title": "the article's own pages and the listings",
    "issue": "the article's own pages and the listings",
    "question": "the triage questions and the listings",
    "topic": "every cached page",
}
# What the editor does, by ``--field``.
SAVED = {
    "summary": "an article's summary saved",
    "title": "an article's title saved",
    "issue": "an update posted to the known issue naming an article",
    "question": "the triage question leading to an article reworded",
    "topic": "the title of an article's topic saved",
}


def read_requests(site: Site) -> list[dict]:
    """The pages and fragments of the load test, without searches and with no POST."""
    return [
        item
        for item in json.loads(site.app("requests"))
        if item["kind"] in ("page", "fragment") and not item["path"].startswith("/search/")
    ]


def run_saves(
    site: Site, *, seconds: int, every: float = 3, check: bool = False, field: str = "summary"
) -> bool:
    """Run both phases against ``site``; print them; return False on any error (or, with
    ``check``, a p99 during saves beyond the limit). ``field``: what the editor changes."""
    if field == "issue":  # its banner shows from the start, on the pages warmed up first
        site.app("surge-issue")
    items = read_requests(site)
    script = site.workdir / "saves.lua"
    script.write_text(lua_script(items, token=""))
    print(
        f"\nAn editor's save during the load: {len(items)} pages and fragments cycled, "
        f"{CONNECTIONS} connections, {seconds} s steady, then {seconds} s with {SAVED[field]} "
        f"every {every:g} s ({RETIRED[field]} retired each time):",
        flush=True,
    )

    def phase() -> Run:
        run = wrk(
            site.base + "/",
            seconds=seconds,
            connections=CONNECTIONS,
            threads=2,
            script=script,
            timeout=10,
        )
        for _ in range(site.workers):  # queued behind what wrk left in the server: see http.py
            fetch(site.base + BASELINE_PATH)
        return run

    phase()  # unmeasured: every page rendered and cached by every worker first
    steady = phase()
    # The editor's process is started and set up before the phase: an editor saves in a server
    # already running, so the phase should see the saves, not an interpreter starting.
    editor = subprocess.Popen(
        [
            *(sys.executable, "-m", "bench.corpus", "edit", "--on-cue"),
            *(f"--every={every}", f"--seconds={seconds}", f"--field={field}"),
        ],
        cwd=ROOT,
        env=site.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if editor.stdout.readline().strip() != "ready":
            raise SystemExit("The editor's process did not start; see its error above.")
        editor.stdin.write("go\n")
        editor.stdin.flush()
        saving = phase()
        saves = editor.communicate(timeout=seconds + 60)[0].strip()
    finally:
        if editor.poll() is None:
            editor.kill()
            editor.wait()
    site.check_alive()
    return report(site, steady, saving, saves, check)


def report(site: Site, steady: Run, saving: Run, saves: str, check: bool) -> bool:
    """Print both phases and the verdict; return False if it failed."""
    print(f"{'':16}{'req/s':>9}{'median ms':>11}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for name, run in (("steady", steady), (f"saves ({saves})", saving)):
        print(
            f"{name:16}{run.rps:>9.0f}{run.p50 * 1000:>11.1f}{run.p99 * 1000:>9.1f}"
            f"{run.max * 1000:>9.0f}{run.failures:>8}"
        )
    ratio = saving.p99 / steady.p99 if steady.p99 else 0.0
    logged = site.logged_errors()
    errors = steady.failures + saving.failures + len(logged)
    met = ratio <= P99_LIMIT
    print(
        f"p99 during saves = {ratio:.1f} × the steady p99 (target ≤ {P99_LIMIT:g}×: "
        f"{'PASS' if met else 'BELOW'}); errors: {errors} (server log: {len(logged)})"
    )
    if errors:
        site.fail()
        for line in logged[:10]:
            print(f"  {line}")
        return False
    return met or not check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12, help="length of each phase (12)")
    parser.add_argument("--every", type=float, default=3, help="seconds between saves (3)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the p99 target is missed")
    parser.add_argument(
        "--field", choices=EDITED_FIELDS, default="summary", help="what the editor saves (summary)"
    )
    add_site_arguments(parser)
    args = parser.parse_args()
    if not WRK:
        print(WRK_MISSING, file=sys.stderr)
        return 2
    with Site.from_arguments(args) as site:
        print(f"Site: {site.description}")
        passed = run_saves(
            site, seconds=args.seconds, every=args.every, check=args.check, field=args.field
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

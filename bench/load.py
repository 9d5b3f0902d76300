"""A bounded load test: the public pages and "Did this fix it?" answers, under gunicorn.

    .venv/bin/python bench/load.py                           # 60 s at 64 connections
    .venv/bin/python bench/load.py --seconds 5 --connections 8   # a quick smoke run

Serves the site as bench/http.py does (gunicorn, 2 workers, DEBUG off, the demo guide copied 10
times, 10,000 generated symptoms, outcomes history), asks the app for every address to request
(bench/corpus.py: home, topics, triage questions, articles, every step of the demo guide's flows
and of one copy, as pages and htmx fragments, fixed and end pages, searches, the sitemap,
robots.txt, the start of guided fixes), and answers to every step (No, Skip, Yes, "I can't",
confirming destructive steps), posted with a valid CSRF cookie and token. Every request is tried
once first; then wrk, on 127.0.0.1, cycles through them all for the given time. Prints the
requests, requests per second, latency, responses by status and errors, and exits 1 on any error:
a socket error, a timeout, a response of 400 or more, or an error in the server's log (such as an
answer that could not be recorded).
"""

import argparse
import json
import secrets
import string
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.server import (  # noqa: E402
    BROWSER_HEADERS,
    WRK,
    WRK_MISSING,
    Site,
    add_site_arguments,
    fetch,
    lua_report,
    wrk,
)

EXPECTED = {"page": 200, "fragment": 200, "other": 200, "begin": 302, "answer": 303}


def lua_string(text: str) -> str:
    """A Lua string literal (JSON's escapes of ASCII text are Lua's too)."""
    literal = json.dumps(text)
    assert literal.isascii() and "\\u" not in literal and "\\/" not in literal, text
    return literal


def http_request(item: dict, token: str) -> tuple[dict, bytes | None]:
    """The headers and body of one request of the list."""
    if item["method"] == "POST":
        body = urlencode({"csrfmiddlewaretoken": token, **item["form"]}).encode()
        return {
            "Cookie": f"csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
        }, body
    if item["kind"] == "fragment":
        return {"HX-Request": "true", "HX-Current-URL": f"http://127.0.0.1{item['path']}"}, None
    return {}, None


def lua_script(items: list[dict], token: str) -> str:
    """wrk's Lua: every thread cycles through all the requests, each thread from its own place."""
    rows = []
    for item in items:
        headers, body = http_request(item, token)
        # wrk.format() sends only the headers it is given, not those of the command line.
        headers = {**BROWSER_HEADERS, **headers}
        fields = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        rows.append(
            f"  {{{lua_string(item['method'])}, {lua_string(item['path'])}, {{{fields}}}, "
            f"{lua_string(body.decode()) if body else 'nil'}}},"
        )
    return (
        "local plan = {\n" + "\n".join(rows) + "\n}\n"
        """
local formatted = {}
local position = 0

function init(args)
  for i, r in ipairs(plan) do
    formatted[i] = wrk.format(r[1], r[2], r[3], r[4])
  end
  -- Threads start at different places of the list, so they do not ask for the same in step.
  position = ((bench_id - 1) * 7919) % #formatted
end

function request()
  position = position % #formatted + 1
  return formatted[position]
end
""" + lua_report(count_statuses=True)
    )


def preflight(site: Site, items: list[dict], token: str) -> None:
    """Make every request once, so a broken one is named rather than counted."""
    for item in items:
        headers, body = http_request(item, token)
        status, _ = fetch(site.base + item["path"], headers, body)
        if status != EXPECTED[item["kind"]]:
            site.fail()
            raise SystemExit(
                f"{item['method']} {item['path']} {item.get('form', '')} answered {status}, "
                f"not {EXPECTED[item['kind']]}."
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the test (60)")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections (64)")
    parser.add_argument("--timeout", type=int, default=10, help="seconds before a request "
                        "counts as timed out (10)")  # fmt: skip
    add_site_arguments(parser)
    args = parser.parse_args()
    if not WRK:
        print(WRK_MISSING, file=sys.stderr)
        return 2

    with Site.from_arguments(args) as site:
        print(f"Site: {site.description}")
        items = json.loads(site.app("requests"))
        mix = Counter(item["kind"] for item in items)
        print(
            f"Requests, cycled: {len(items)} ({mix['page']} pages, {mix['fragment']} htmx "
            f"fragments, {mix['answer']} answers to steps, {mix['begin']} starts of guided "
            f"fixes, {mix['other']} sitemap and robots.txt)"
        )
        token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        preflight(site, items, token)
        script = site.workdir / "load.lua"
        script.write_text(lua_script(items, token))
        print(
            f"gunicorn: {args.workers} sync workers, DEBUG off, at {site.base}; wrk: "
            f"{args.threads} threads, {args.connections} connections, {args.seconds} s, "
            f"timeout {args.timeout} s",
            flush=True,
        )
        run = wrk(
            site.base + "/",
            seconds=args.seconds,
            connections=args.connections,
            threads=args.threads,
            script=script,
            timeout=args.timeout,
        )
        site.check_alive()
        logged = site.logged_errors()
        failures = run.failures + len(logged)  # wrk's failures count every status ≥ 400
        print(
            f"\n{run.requests} requests in {run.seconds:.1f} s: {run.rps:.0f} requests/s\n"
            f"latency: median {run.p50 * 1000:.0f} ms, p90 {run.p90 * 1000:.0f} ms, "
            f"p99 {run.p99 * 1000:.0f} ms, max {run.max * 1000:.0f} ms\n"
            "responses: "
            + ", ".join(f"{code}: {count}" for code, count in sorted(run.statuses.items()))
            + f"\nerrors: connect {run.errors['connect']}, read {run.errors['read']}, "
            f"write {run.errors['write']}, timeout {run.errors['timeout']}, "
            f"status ≥ 400 {run.errors['status']}, server log {len(logged)}"
        )
        if failures:
            site.fail()
            for line in logged[:10]:
                print(f"  {line}")
            print(f"FAIL: {failures} errors.")
            return 1
        print("PASS: no errors.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The HTTP benchmark's table: where a request's CPU goes, beside the ratios to the bare view."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bench.http import Target, report
from bench.server import Run, Site

pytestmark = pytest.mark.engine_independent

RUN = Run(
    requests=3000,
    seconds=1.0,
    bytes=3000 * 500,
    p50=0.005,
    p90=0.007,
    p99=0.008,
    max=0.01,
    errors={},
    statuses={200: 3000},
    output="",
)


def table(capsys, *, database: bool, cpu: dict | None) -> list[str]:
    plan = [Target("baseline", "/b/", {}, None, None), Target("fragment", "/f/", {}, 0.9, 0.4)]
    runs = {"baseline": [RUN] * 3, "fragment": [replace(RUN, requests=1000)] * 3}
    below = report(plan, runs, cached=False, cpu=cpu, database=database)
    assert below == ["fragment"]  # 1,000 req/s against 3,000: 0.33, below 0.4
    return capsys.readouterr().out.splitlines()


def test_the_cpu_per_request_of_the_server_and_the_database_is_shown(capsys):
    cpu = {
        "baseline": [{"server": 0.6, "database": 0.0}] * 3,
        "fragment": [{"server": s, "database": d} for s, d in ((1.7, 0.26), (1.8, 0.3), (9, 1))],
    }
    header, _baseline, fragment, *notes = table(capsys, database=True, cpu=cpu)
    assert "server CPU" in header and "database CPU" in header
    # The medians over the rounds (a run disturbed by something else is not the mean's).
    assert fragment.split()[-5:] == ["1.80", "0.30", "≥", "0.4×", "BELOW"]
    assert any(note.startswith("CPU: ms of CPU per request") for note in notes)


def test_on_sqlite_the_database_is_the_servers_own_work(capsys):
    cpu = {name: [{"server": 1.0, "database": 0.0}] for name in ("baseline", "fragment")}
    header, *_ = table(capsys, database=False, cpu=cpu)
    assert "server CPU" in header and "database CPU" not in header


def test_without_figures_for_every_target_no_cpu_is_shown(capsys):
    header, *rows = table(capsys, database=True, cpu={"baseline": [{"server": 1, "database": 0}]})
    assert "CPU" not in header
    assert not any(row.startswith("CPU:") for row in rows)


def busy_group(then: str) -> subprocess.Popen:
    """Start a process in a group of its own whose child spends 0.3 s of CPU, then ``then``.

    As gunicorn's arbiter and its workers: the group's first process waits for its child when
    the child ends (``subprocess.run``), then sleeps.
    """
    busy = (
        "import time\nend = time.process_time() + 0.3\n"
        f"while time.process_time() < end: pass\n{then}"
    )
    parent = (
        "import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {busy!r}])\ntime.sleep(30)"
    )
    return subprocess.Popen(  # noqa: S603 (this test's own code)
        [sys.executable, "-c", parent], start_new_session=True
    )


@pytest.mark.parametrize(
    "then",
    [
        pytest.param("time.sleep(30)", id="a worker still running"),
        pytest.param("", id="a worker that ended"),
    ],
)
def test_the_servers_cpu_is_counted_over_its_process_group(then):
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc here")
    site = Site()
    site._server = busy_group(then)
    try:
        deadline = time.monotonic() + 20
        while (used := site.cpu_seconds())["server"] < 0.3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        os.killpg(site._server.pid, signal.SIGKILL)
        site._server.wait()
    assert 0.3 <= used["server"] < 5
    assert "database" not in used  # SQLite: no database server of its own

"""Serve the site as production does, on a loaded throwaway database, and drive it with wrk.

Shared by bench/http.py and bench/load.py. ``Site`` makes a work directory under .local/, a
database (a SQLite file there, or a scratch PostgreSQL database beside the one a URL names),
migrates it, loads the demo guide and generated content (bench/corpus.py), collects the static
files into the work directory, and runs gunicorn (DEBUG off, bench.settings) on a free port of
127.0.0.1 in a process group of its own, which is always ended, whatever happens. Its log (stderr,
Django's warnings and errors included) is kept in the work directory and shown on failure.
"""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_PATH = "/bench/baseline/"  # bench/urls.py
WRK = shutil.which("wrk")
WRK_MISSING = (
    "wrk is not installed. Install it with `apt-get install wrk` (Debian/Ubuntu; "
    "`make bench` and `make load` install it when run as root)."
)


# Which cache the server uses (REDIS_URL, from the environment or .env) and for how long.
CACHE_DESCRIPTION = (
    "from django.conf import settings; "
    "redis = 'redis' in settings.CACHES['default']['BACKEND'].lower(); "
    "seconds = settings.PAGE_CACHE_SECONDS; "
    "print(('Redis' if redis else 'local memory') + ' cache, pages kept '"
    " + (f'{seconds} s' if seconds else 'never (DJANGO_PAGE_CACHE_SECONDS=0)'))"
)


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: str) -> tuple[int, int, int, float] | None:
    """Return a process's id, parent, group and CPU seconds (its own and its ended children's)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    # After the name: state, parent, group, ...; user and system time 12th and 13th, then the
    # same of the children it waited for.
    ticks = sum(int(value) for value in fields[11:15])
    return int(pid), int(fields[1]), int(fields[2]), ticks / _CLOCK_TICKS


def _libpq_url(url: str) -> str:
    """Return a Django database URL as libpq reads it (``postgres://``, no engine's name)."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith(("postgres", "pgsql")) else url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _exit_on_signal(number, frame):
    raise SystemExit(128 + number)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is answered as it is, never followed


_opener = urllib.request.build_opener(_NoRedirects)


def fetch(url: str, headers: dict | None = None, body: bytes | None = None) -> tuple[int, bytes]:
    """GET ``url`` (POST ``body``) without following redirects; return the status and body."""
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def add_site_arguments(parser) -> None:
    """Add the options that say how the site is served and what its database holds."""
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--copies", type=int, default=10, help="demo guide copies (10)")
    parser.add_argument("--corpus", type=int, default=10_000, help="generated symptoms (10,000)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")


@dataclass
class Site:
    """The site under gunicorn. Use as a context manager; ``base`` is its address once started."""

    database_url: str | None = None
    copies: int = 10
    corpus: int = 10_000
    outcomes: bool = True
    workers: int = 2
    keep: bool = False
    workdir: Path = field(init=False)
    env: dict = field(init=False)
    base: str = field(init=False, default="")
    description: str = field(init=False, default="")
    _server: subprocess.Popen | None = field(init=False, default=None)
    _drop_database: object = field(init=False, default=None)
    _failed: bool = field(init=False, default=False)
    _postmaster_pid: int | None = field(init=False, default=None)

    @classmethod
    def from_arguments(cls, args) -> "Site":
        return cls(
            database_url=args.database_url,
            copies=args.copies,
            corpus=args.corpus,
            workers=args.workers,
            keep=args.keep,
        )

    def __enter__(self) -> "Site":
        # Ended from outside (SIGTERM, SIGHUP), this process still ends the server on its way
        # out, as on Ctrl-C or an error: the server has a session of its own and would outlive it.
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _exit_on_signal)
        (ROOT / ".local").mkdir(exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=ROOT / ".local"))
        try:
            self._prepare()
            self._start()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self._stop()
        if self._drop_database:
            self._drop_database()
            self._drop_database = None
        if kind is not None or self._failed:
            self.show_log()
            print(f"Work directory kept for a look: {self.workdir}", file=sys.stderr)
        elif not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def fail(self) -> None:
        """Keep the work directory and show the server's log when the run ends."""
        self._failed = True

    @property
    def log(self) -> Path:
        return self.workdir / "gunicorn.log"

    def show_log(self, lines: int = 40) -> None:
        if self.log.exists():
            tail = self.log.read_text(errors="replace").splitlines()[-lines:]
            if tail:
                print(f"Last lines of {self.log}:", *tail, sep="\n  ", file=sys.stderr)

    def logged_errors(self) -> list[str]:
        """Records logged at ERROR or above, and tracebacks, in the server's log so far."""
        if not self.log.exists():
            return []
        text = self.log.read_text(errors="replace")
        return [
            line
            for line in text.splitlines()
            if line.startswith(("ERROR ", "CRITICAL ", "Traceback", "[CRITICAL]"))
            or " [ERROR] " in line
        ]

    def check_alive(self) -> None:
        """Fail, saying so, if gunicorn is no longer running (killed or crashed mid-run)."""
        status = self._server.poll() if self._server else None
        if status is not None:
            self._server = None
            self.fail()
            how = f"was killed by signal {-status}" if status < 0 else f"exited with {status}"
            raise SystemExit(f"gunicorn {how} during the run: these figures mean nothing.")

    def restart(self, **env: str) -> None:
        """Serve again from the same database, with these environment variables changed."""
        self._stop()
        self.env.update(env)
        self._start()

    def app(self, *args: str) -> str:
        """Run ``python -m bench.corpus ARGS`` against the site's database; return its output."""
        result = subprocess.run(
            [sys.executable, "-m", "bench.corpus", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout

    def _prepare(self) -> None:
        started = time.monotonic()
        try:
            self._fill_database()
        except subprocess.CalledProcessError as error:
            output = (error.stderr or "").strip().splitlines()[-15:]
            raise SystemExit(
                "Preparing the site failed: " + " ".join(error.cmd[1:]) + "\n" + "\n".join(output)
            ) from None
        self.description += f"; prepared in {time.monotonic() - started:.0f} s"

    def _fill_database(self) -> None:
        if self.database_url:
            from bench.corpus import scratch_postgres

            url, self._drop_database = scratch_postgres(self.database_url)
            vendor = "PostgreSQL (scratch database, dropped afterwards)"
        else:
            url, vendor = f"sqlite:///{self.workdir / 'db.sqlite3'}", "SQLite"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
            "BENCH_STATIC_ROOT": str(self.workdir / "static"),
            "PYTHONUNBUFFERED": "1",
        }
        for command in (["migrate", "-v0"], ["load_demo", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=self.env, check=True
            )
        populate = ["populate", f"--copies={self.copies}", f"--corpus={self.corpus}"]
        content = self.app(*populate, *(["--outcomes"] if self.outcomes else []))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        caching = (
            subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", CACHE_DESCRIPTION],
                cwd=ROOT,
                env=self.env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        self.description = f"{content.strip().splitlines()[-1]}; {vendor}; {caching}"

    def _start(self) -> None:
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        with self.log.open("ab") as log:
            self._server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "helpcenter.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(self.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group, ended as one
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise SystemExit(f"gunicorn exited with status {self._server.returncode}.")
            try:
                if fetch(self.base + BASELINE_PATH)[0] == 200:
                    return
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)
        raise SystemExit(f"The site did not start at {self.base} within 60 s.")

    def cpu_seconds(self) -> dict[str, float] | None:
        """Return the CPU time used so far by the server's processes and the database's.

        The server is gunicorn's process group (its arbiter and workers); the database, on
        PostgreSQL, the cluster serving the benchmark's database: its postmaster and every
        process it started (backends, the log writer, autovacuum), those of other databases on
        that cluster included. A process that ended counts in its parent's children's time, so
        a worker or a backend replaced during a run keeps its share. Read from /proc: None
        where there is none, and the database left out where its server runs elsewhere.
        """
        if self._server is None or not Path("/proc/self/stat").exists():
            return None
        postmaster = self._postmaster()
        used = {"server": 0.0, "database": 0.0} if postmaster else {"server": 0.0}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            stat = _stat(entry.name)
            if stat is None:
                continue  # ended meanwhile
            pid, parent, group, seconds = stat
            if group == self._server.pid:
                used["server"] += seconds
            elif postmaster and postmaster in (pid, parent):
                used["database"] += seconds
        return used

    def _postmaster(self) -> int | None:
        """Return the process id of the PostgreSQL server on this machine, if it is here."""
        if not self.database_url:
            return None
        if self._postmaster_pid is None:
            import psycopg

            with psycopg.connect(_libpq_url(self.env["DATABASE_URL"])) as connection:
                (backend,) = connection.execute("SELECT pg_backend_pid()").fetchone()
                stat = _stat(str(backend))
            # A server in another machine or container: its processes are not ours to see.
            self._postmaster_pid = stat[1] if stat else 0
        return self._postmaster_pid or None

    def _stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(server.pid, sig)  # the arbiter and its workers
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


# wrk's Lua side: every thread counts responses by status (only where `count_statuses`, as
# parsing every response costs wrk a little), and done() prints one line of figures to parse.
LUA_REPORT = r"""
local bench_threads = {}

function setup(thread)
  table.insert(bench_threads, thread)
  thread:set("bench_id", #bench_threads)
end

bench_statuses = {}

%(response)s

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%%d duration_us=%%d bytes=%%d connect=%%d read=%%d write=%%d "
      .. "status=%%d timeout=%%d p50_us=%%d p90_us=%%d p99_us=%%d max_us=%%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
  local counts = {}
  for _, thread in ipairs(bench_threads) do
    for code, n in pairs(thread:get("bench_statuses") or {}) do
      counts[code] = (counts[code] or 0) + n
    end
  end
  for code, n in pairs(counts) do
    io.write(string.format("BENCH_STATUS %%d %%d\n", code, n))
  end
end
"""
LUA_COUNT = """
function response(status, headers, body)
  bench_statuses[status] = (bench_statuses[status] or 0) + 1
end
"""


def lua_report(*, count_statuses: bool) -> str:
    return LUA_REPORT % {"response": LUA_COUNT if count_statuses else ""}


@dataclass
class Run:
    """What one wrk run measured. Times in seconds."""

    requests: int
    seconds: float
    bytes: int
    p50: float
    p90: float
    p99: float
    max: float
    errors: dict[str, int]
    statuses: dict[int, int]
    output: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failures(self) -> int:
        """Socket errors, timeouts, and responses with a status of 400 or more."""
        return sum(self.errors.values())


# Sent with every request, as every browser sends it: the page cache answers with pages it
# keeps gzipped (troubleshooting/page_entries.py), as a client of the site gets them.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def wrk(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    script: Path,
    headers: dict | None = None,
    timeout: float = 2,
) -> Run:
    """Run wrk once against ``url`` with a Lua ``script`` ending in ``lua_report()``."""
    if not WRK:
        raise SystemExit(WRK_MISSING)
    command = [
        WRK,
        f"--threads={min(threads, connections)}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        "--latency",
        f"--script={script}",
    ]
    for name, value in {**BROWSER_HEADERS, **(headers or {})}.items():
        command += ["--header", f"{name}: {value}"]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + timeout + 60
    )
    if result.returncode != 0 or "BENCH " not in result.stdout:
        raise SystemExit(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    figures = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
    statuses = {
        int(code): int(count)
        for code, count in re.findall(r"^BENCH_STATUS (\d+) (\d+)$", result.stdout, re.MULTILINE)
    }
    return Run(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        bytes=figures["bytes"],
        p50=figures["p50_us"] / 1e6,
        p90=figures["p90_us"] / 1e6,
        p99=figures["p99_us"] / 1e6,
        max=figures["max_us"] / 1e6,
        errors={name: figures[name] for name in ("connect", "read", "write", "timeout", "status")},
        statuses=statuses,
        output=result.stdout,
    )

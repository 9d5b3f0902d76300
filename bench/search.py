"""Search latency on a generated corpus of 10,000 symptoms, as a ratio to the home page.

    .venv/bin/python bench/search.py                      # SQLite (a throwaway file)
    .venv/bin/python bench/search.py --database-url postgres://user:pass@127.0.0.1:5432/db

On PostgreSQL the URL's credentials are used to create a scratch database beside ``db`` (the role
needs CREATEDB), which is dropped afterwards; nothing existing is touched. Requests go through
Django's test client in this process, alternating the home page and searches so both see the same
machine load; the figures are ratios because absolute times mean little on a shared machine.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.corpus import QUERIES, demo_database, generate  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def measure(rounds: int) -> None:
    from django.test import Client

    client = Client()
    for _ in range(3):  # warm up caches and connections
        client.get("/")
        for query in QUERIES:
            client.get("/search/", {"q": query})

    home, found = [], []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            assert client.get("/").status_code == 200
            home.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert client.get("/search/", {"q": query}).status_code == 200
            found.append(time.perf_counter() - started)

    home_median, home_p99 = statistics.median(home), percentile(home, 0.99)
    search_median, search_p99 = statistics.median(found), percentile(found, 0.99)
    print(f"{'':14}{'median ms':>12}{'p99 ms':>12}{'median ratio':>15}{'p99 ratio':>12}")
    print(
        f"{'home page':14}{home_median * 1000:>12.2f}{home_p99 * 1000:>12.2f}{1:>15.2f}{1:>12.2f}"
    )
    print(
        f"{'search':14}{search_median * 1000:>12.2f}{search_p99 * 1000:>12.2f}"
        f"{search_median / home_median:>15.2f}{search_p99 / home_p99:>12.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--symptoms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=40, help="rounds over the queries")
    args = parser.parse_args()

    with demo_database(args.database_url, prefix="bench-search-"):
        from django.conf import settings

        # Pages render without collected static files: timing search, not the build.
        settings.STORAGES["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
        generate(args.symptoms)
        measure(args.rounds)


if __name__ == "__main__":
    main()

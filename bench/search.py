"""Search latency on a generated corpus of 10,000 symptoms, as a ratio to the home page.

    .venv/bin/python bench/search.py                      # SQLite (a throwaway file)
    .venv/bin/python bench/search.py --database-url postgres://user:pass@127.0.0.1:5432/db

On PostgreSQL the URL's credentials are used to create a scratch database beside ``db`` (the role
needs CREATEDB), which is dropped afterwards; nothing existing is touched. Requests go through
Django's test client in this process, alternating the home page and searches so both see the same
machine load (each going first in every other pair); the figures are ratios because absolute times
mean little on a shared machine, and they are printed per block of rounds so their spread shows.
The verdict comes from all pairs together: search p99 ÷ home p99 with a bootstrap interval over
the pairs, "below" only when the whole interval is, "at" when it holds 1.
"""

import argparse
import gc
import heapq
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.corpus import QUERIES, demo_database, generate  # noqa: E402


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def p99(values: list[float]) -> float:
    """The 99th percentile as ``percentile`` picks it, from the largest values alone (faster)."""
    rank = len(values) - 1 - int(round(0.99 * (len(values) - 1)))
    return heapq.nlargest(rank + 1, values)[-1]


RESAMPLES = 2_000


def p99_ratio_interval(
    home: list[float], found: list[float], *, resamples: int = RESAMPLES, seed: int = 15
) -> tuple:
    """Return search p99 ÷ home p99 over all pairs, and its 95 % bootstrap interval.

    Pairs are resampled whole (a home page and the search beside it saw the same moment of the
    machine), so the interval holds the pairs' own spread, not the load's drift between them.
    """
    pairs = len(home)
    draw = random.Random(seed).choices
    ratios = []
    for _ in range(resamples):
        chosen = draw(range(pairs), k=pairs)
        ratios.append(p99([found[i] for i in chosen]) / p99([home[i] for i in chosen]))
    ratios.sort()
    low, high = ratios[int(0.025 * resamples)], ratios[int(0.975 * resamples) - 1]
    return p99(found) / p99(home), low, high


def verdict(low: float, high: float) -> str:
    """Say where the search p99 stands against the home page's, from the interval's ends."""
    if high < 1:
        return "below the home page's"
    if low > 1:
        return "ABOVE the home page's"
    return "at the home page's (the interval holds 1: no difference this run can show)"


def measure(rounds: int, repeats: int) -> int:
    """Time cached home pages and searches, interleaved, in ``repeats`` blocks; print each.

    Return the number of searches made.
    """
    from django.conf import settings
    from django.test import Client

    # Outermost, so it sees the response as the server gets it, after every other middleware.
    settings.MIDDLEWARE = [f"{__name__}.ResponseSent", *settings.MIDDLEWARE]
    client = Client()
    for _ in range(3):  # warm up caches and connections
        client.get("/")
        for query in QUERIES:
            client.get("/search/", {"q": query})
    # What start-up left behind is kept out of the collector's way, as a server that loads the
    # app before forking does; collections still happen, during either kind of request.
    gc.collect()
    gc.freeze()
    print(
        f"{rounds} rounds × {len(QUERIES)} queries per block, home page and search alternated "
        "(each first in every other pair). Wall: elapsed time, what a person waits; CPU: this "
        "thread's processor time, the work itself, which other processes on a shared machine "
        "do not inflate (a sub-millisecond request's wall p99 is mostly the scheduler's)."
    )
    print(f"{'block':6}{'clock':>6}{'home p50':>10}{'p99 ms':>8}{'search p50':>12}{'p99 ms':>8}"
          f"{'p50 ratio':>11}{'p99 ratio':>11}")  # fmt: skip
    ratios: dict[str, list[float]] = {"wall": [], "CPU": []}
    pooled = {"wall": ([], []), "CPU": ([], [])}
    for block in range(1, repeats + 1):
        timed = _block(client, rounds)
        for clock, (home, found) in timed.items():
            pooled[clock][0].extend(home)
            pooled[clock][1].extend(found)
            row = [statistics.median(home), percentile(home, 0.99)]
            row += [statistics.median(found), percentile(found, 0.99)]
            ratios[clock].append(row[3] / row[1])
            print(f"{block:<6}{clock:>6}{row[0] * 1000:>10.3f}{row[1] * 1000:>8.2f}"
                  f"{row[2] * 1000:>12.3f}{row[3] * 1000:>8.2f}{row[2] / row[0]:>11.2f}"
                  f"{row[3] / row[1]:>11.2f}")  # fmt: skip
    for clock, values in ratios.items():
        print(
            f"search p99 ÷ home p99 ({clock}): median {statistics.median(values):.2f} over "
            f"{repeats} blocks (from {min(values):.2f} to {max(values):.2f}); aim: at most 1"
        )
    for clock, (home, found) in pooled.items():
        ratio, low, high = p99_ratio_interval(home, found)
        print(
            f"search p99 ÷ home p99 ({clock}), all {len(home):,} pairs: {ratio:.2f}, 95 % interval "
            f"{low:.2f}–{high:.2f} ({RESAMPLES:,} resamples of the pairs): {verdict(low, high)}"
        )
    return (3 + rounds * repeats) * len(QUERIES)


def check_counted(made: int) -> None:
    """Write the searches counted, and say whether every search made was counted once."""
    from django.db.models import Sum

    from troubleshooting.models import SearchQuery
    from troubleshooting.search.usage import search_counts

    # The blocks time pages up to the response; writing the counts comes after it (a worker
    # does it before taking its next request), so its cost is shown here, once.
    held = len(search_counts.held)
    wall, cpu = time.perf_counter(), time.thread_time()
    search_counts.write()  # as a server does when it stops, before the database goes
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    print(f"Writing the {held:,} searches held (every {search_counts.MAX_HELD:,} at most): "
          f"{wall * 1000:.2f} ms wall, {cpu * 1000:.2f} ms CPU.")  # fmt: skip
    counted = SearchQuery.objects.aggregate(total=Sum("searches"))["total"] or 0
    verdict = "every one" if counted == made else "NOT every one"
    print(f"Searches made: {made:,}; counted for the editors: {counted:,} ({verdict}).")


def _block(client, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Return the home page's and the searches' wall and CPU times over ``rounds`` rounds."""
    timed = {"wall": ([], []), "CPU": ([], [])}
    # Addresses made once, outside the timing: the test client encoding a query for every
    # request is the benchmark's work, not the site's (it was most of what a search seemed to
    # cost beyond the home page).
    searches = [f"/search/?{urlencode({'q': query})}" for query in QUERIES]
    pairs = 0
    for _ in range(rounds):
        for search in searches:
            requests = [("/", 0), (search, 1)]
            pairs += 1
            for path, kind in requests if pairs % 2 else reversed(requests):
                wall, cpu = time.perf_counter(), time.thread_time()
                assert client.get(path).status_code == 200
                timed["CPU"][kind].append(_sent["CPU"] - cpu)
                timed["wall"][kind].append(_sent["wall"] - wall)
    return timed


_sent = {"wall": 0.0, "CPU": 0.0}


class ResponseSent:
    """Note when the response is handed to the server: what a person waits for ends there.

    The same for both pages. What follows is the test client's own bookkeeping and what runs
    once the response has been sent (``request_finished``: closing connections, writing the
    searches counted every ``SEARCH_COUNT_SECONDS``), which nobody waits for: gunicorn sends
    the whole response (its length given) before it closes it. A receiver of that signal
    could not mark this: the site's own receivers, connected when the app loads, run first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        _sent["wall"], _sent["CPU"] = time.perf_counter(), time.thread_time()
        return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--symptoms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=100, help="rounds over the queries (100)")
    parser.add_argument("--repeats", type=int, default=5, help="blocks of rounds, each shown (5)")
    args = parser.parse_args()

    with demo_database(args.database_url, prefix="bench-search-"):
        from django.conf import settings

        # Pages render without collected static files: timing search, not the build.
        settings.STORAGES["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
        generate(args.symptoms)
        check_counted(measure(args.rounds, args.repeats))


if __name__ == "__main__":
    main()

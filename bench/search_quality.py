"""Search quality on the demo guide: how often the answer comes first, per language and engine.

    .venv/bin/python bench/search_quality.py                      # SQLite (a throwaway file)
    .venv/bin/python bench/search_quality.py --database-url postgres://user:pass@127.0.0.1/db
    .venv/bin/python bench/search_quality.py --language es        # en, es, fr or all (default)
    .venv/bin/python bench/search_quality.py --show-misses        # and the queries that miss

Runs every query of bench/search_labels.py in its language (English, Spanish, French), each
through that language's search as a visitor at /es/ or /fr/ would, and prints the share with an
answer first (top-1) and in the first three (top-3), the mean reciprocal rank of the first answer
(MRR) and nDCG@5 with the labels' grades. Aim: English top-3 ≥ 95 % and MRR ≥ 0.85, Spanish and
French top-3 ≥ 90 %, on both engines. On PostgreSQL a scratch database is created beside the one
named and dropped afterwards (the role needs CREATEDB).
"""

import argparse
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.corpus import demo_database  # noqa: E402
from bench.search_labels import LABELLED, LABELLED_ES, LABELLED_FR, page_of  # noqa: E402

LABELS = {"en": LABELLED, "es": LABELLED_ES, "fr": LABELLED_FR}


def dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(at + 2) for at, grade in enumerate(grades))


def measure(language: str, show_misses: bool) -> dict[str, float]:
    """Run every labelled query of a language in its search; print and return the figures."""
    from django.utils import translation

    from troubleshooting import search

    top1 = top3 = reciprocal = ndcg = 0.0
    misses = []
    labelled = LABELS[language]
    with translation.override(language):
        for query, answers in labelled:
            hits = search.search(query, record_misses=False).hits[:10]
            pages = [page_of(hit) for hit in hits]
            first = next((at for at, page in enumerate(pages) if page in answers), None)
            top1 += first == 0
            top3 += first is not None and first < 3
            reciprocal += 1 / (first + 1) if first is not None else 0
            ideal = dcg(sorted(answers.values(), reverse=True)[:5])
            ndcg += dcg([answers.get(page, 0) for page in pages[:5]]) / ideal
            if first is None or first >= 3:
                misses.append((query, pages[:3]))
    count = len(labelled)
    figures = {
        "top-1": top1 / count,
        "top-3": top3 / count,
        "MRR": reciprocal / count,
        "nDCG@5": ndcg / count,
    }
    print(f"{language}: {count} queries")
    for name, value in figures.items():
        print(f"  {name:8}{value:8.3f}")
    if show_misses:
        for query, pages in misses:
            print(f"  not in the top 3: {query!r} → {', '.join(pages) or 'nothing'}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a SQLite file)")
    parser.add_argument("--language", choices=[*LABELS, "all"], default="all")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    with demo_database(args.database_url, prefix="bench-search-quality-"):
        for language in LABELS if args.language == "all" else [args.language]:
            measure(language, args.show_misses)


if __name__ == "__main__":
    main()

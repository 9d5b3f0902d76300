"""Save every public page of the demo guide, in every language, to compare two versions' HTML.

    .venv/bin/python bench/page_snapshots.py /tmp/before      # on the old code
    .venv/bin/python bench/page_snapshots.py /tmp/after       # on the new code
    diff -r /tmp/before /tmp/after                            # no output: the same pages

Loads the demo guide into a throwaway SQLite database with production settings and the page
cache off, then fetches, in English, Spanish and French, the home page, every topic, question
and article, every step of every guided fix (a destructive one confirmed too), the "fixed" and
end pages, each as a whole page and as an htmx fragment, plus the article's feedback form and a
search. CSRF tokens, which change on every request, are replaced by a stand-in.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
# The project, not bench/, comes first: bench/http.py would hide the standard library's http.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

from bench.profile_pages import use  # noqa: E402

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def english_urls() -> list[str]:
    """Return the address of every public page of the guide, in English."""
    from troubleshooting.flow import Flow
    from troubleshooting.models import Symptom, Topic, TriageQuestion

    urls = ["/", "/search/?q=green+bubble", "/search/?q=nothing+matches+this+zzzz"]
    urls += [topic.get_absolute_url() for topic in Topic.objects.visible()]
    questions = TriageQuestion.objects.visible().select_related("topic")
    urls += [question.get_absolute_url() for question in questions]
    for symptom in Symptom.objects.visible().select_related("topic"):
        urls += [symptom.get_absolute_url(), symptom.get_absolute_url() + "feedback/"]
        flow = Flow.for_symptom(symptom)
        for number, step in enumerate(flow.steps, start=1):
            urls.append(flow.step_url(number, "n" * (number - 1)))
            urls.append(flow.step_url(number, "s" * (number - 1)))
            if step.is_destructive:
                urls.append(flow.step_url(number, "n" * (number - 1), confirm="1"))
        urls.append(flow.fixed_url("n" * (len(flow) - 1) + "y"))
        urls.append(flow.end_url("n" * len(flow)))
    return urls


def save_all(out: Path) -> int:
    """Fetch every page in every language, whole and as a fragment; return how many."""
    from django.conf import settings
    from django.test import Client

    from troubleshooting.languages import address_in

    client = Client()
    saved = 0
    for url in english_urls():
        for language, _name in settings.LANGUAGES:
            address = url if language == settings.LANGUAGE_CODE else address_in(url, language)
            for kind, headers in (("page", {}), ("fragment", {"HTTP_HX_REQUEST": "true"})):
                response = client.get(address, **headers)
                body = TOKEN.sub(r'\1TOKEN"', response.content.decode())
                name = quote(f"{language}{address}", safe="") + f".{kind}.html"
                (out / name).write_text(f"{response.status_code}\n{body}")
                saved += 1
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="a directory for the pages (emptied first)")
    args = parser.parse_args()
    (ROOT / ".local").mkdir(exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="snapshots-", dir=ROOT / ".local"))
    try:
        use(f"sqlite:///{workdir / 'db.sqlite3'}", workdir)
        for command in (
            ["migrate", "-v0"],
            ["load_demo", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, check=True)
        import django

        django.setup()
        shutil.rmtree(args.out, ignore_errors=True)
        args.out.mkdir(parents=True)
        print(f"{save_all(args.out)} pages saved in {args.out}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

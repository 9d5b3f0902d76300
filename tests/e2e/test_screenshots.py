"""Every kind of page, photographed at phone and desktop sizes in both colour schemes.

Compared with the committed baselines in tests/e2e/baselines/; `make screenshots` rewrites them.
A failure leaves the new picture and a diff (changed pixels in magenta) in
test-results/screenshots/.
"""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.screenshots import compare, settle, shoot
from troubleshooting.flow import Flow
from troubleshooting.models import Symptom


def step_number(flow: Flow, slug: str) -> int:
    return next(n for n, step in enumerate(flow.steps, start=1) if step.slug == slug)


def page_paths() -> dict[str, str]:
    """One address of each kind of page, chosen to show every drawing."""
    sending = Flow.for_symptom(Symptom.objects.get(slug="stuck-on-sending"))
    one = Flow.for_symptom(Symptom.objects.get(slug="only-one-contact"))
    toggle = step_number(sending, "turn-imessage-off-and-on")
    destructive = next(n for n, step in enumerate(one.steps, start=1) if step.is_destructive)
    before = "n" * (destructive - 1)
    return {
        "home": "/",
        "topic": "/messages/",
        "article": "/messages/not-delivered/",
        "triage": "/messages/fix/",
        "step": sending.step_url(toggle, "n" * (toggle - 1)),
        "destructive": one.step_url(destructive, before),
        "destructive-how": one.step_url(destructive, before, confirm="1"),
        "end": sending.end_url("n" * len(sending)),
        "resolved": sending.fixed_url("nny"),
        "search": "/search/?q=green+bubble",
    }


SIZES = {"phone": PHONE, "desktop": DESKTOP}
pytestmark = pytest.mark.visual


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_pages_look_as_designed(new_page, site, size, scheme):
    page = new_page(viewport=SIZES[size], color_scheme=scheme, reduced_motion="reduce")
    failures = []
    for kind, path in page_paths().items():
        response = page.goto(site + path)
        assert response.ok, (kind, path, response.status)
        settle(page)
        problem = compare(f"{kind}-{size}-{scheme}", shoot(page))
        if problem:
            failures.append(problem)
    assert not failures, "\n".join(failures)

"""Screenshot baselines: take a stable picture of a page and compare it with the committed one.

A picture is stable when the viewport is fixed, fonts have loaded, motion is off (the context
asks for reduced motion) and what differs between runs (addresses with the server's port and a
session key) is masked. Baselines are stored as small palette PNGs; a comparison allows a little
per-pixel difference (font smoothing, palette rounding) and a small share of changed pixels.
`make screenshots` (UPDATE_SCREENSHOTS=1) rewrites them after an intended change.
"""

import os
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageChops
from playwright.sync_api import expect

BASELINES = Path(__file__).parent / "baselines"
RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PIXEL_TOLERANCE = 48  # out of 255, per channel: palette rounding and anti-aliasing
MAX_CHANGED_SHARE = 0.005  # of all pixels
VOLATILE = "input.resume-link"  # links to this page: they hold the server's port and a session key


# An htmx request under way, or swapped content still settling.
UNSETTLED = ".htmx-request, .htmx-settling, .htmx-swapping, .htmx-added"


def updating() -> bool:
    return bool(os.environ.get("UPDATE_SCREENSHOTS"))


def settle(page) -> None:
    """Wait until the page looks as it will stay: fonts loaded, lazy parts in, at the top."""
    page.evaluate("document.fonts.ready")
    lazy = page.locator("#feedback[hx-get]")
    if lazy.count():
        lazy.scroll_into_view_if_needed()
        # Swapped in and settled: waiting for the swap itself, not for half a second of a quiet
        # network after it, which every article paid.
        page.locator("#feedback:not([hx-get])").wait_for(state="attached")
        # Not wait_for_function: when its first look fails it polls through eval(), which the
        # site's Content Security Policy (no 'unsafe-eval') refuses, and the test failed.
        expect(page.locator(UNSETTLED)).to_have_count(0)
    page.evaluate("window.scrollTo(0, 0)")
    page.evaluate("document.activeElement && document.activeElement.blur()")


def shoot(page) -> Image.Image:
    """Take the first screen, as the person sees it on arrival, with what changes masked.

    The first screen, not the whole page: it is what the layout promises (the answers in reach on
    every step), sticky parts show where they really are, and the baselines stay small.
    """
    data = page.screenshot(
        animations="disabled", caret="hide", mask=[page.locator(VOLATILE)], mask_color="#888888"
    )
    return Image.open(BytesIO(data)).convert("RGB")


def small(image: Image.Image) -> Image.Image:
    """Shrink a screenshot for storage: 256 colours, no dithering, so flat areas stay flat."""
    return image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def compare(name: str, actual: Image.Image) -> str | None:
    """Compare with the baseline of that name; say what differs, or None when it matches."""
    baseline_path = BASELINES / f"{name}.png"
    if updating():
        BASELINES.mkdir(exist_ok=True)
        small(actual).save(baseline_path, optimize=True)
        return None
    if not baseline_path.exists():
        return f"no baseline {baseline_path.name}: run `make screenshots` and look at it"
    expected = Image.open(baseline_path).convert("RGB")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if expected.size != actual.size:
        actual.save(RESULTS / f"{name}-actual.png")
        return f"{name}: size {actual.size} instead of {expected.size}"
    diff = ImageChops.difference(expected, actual)
    changed = diff.convert("L").point(lambda value: 255 if value > PIXEL_TOLERANCE else 0)
    share = changed.histogram()[255] / (actual.width * actual.height)  # counted in C, not Python
    if share <= MAX_CHANGED_SHARE:
        return None
    actual.save(RESULTS / f"{name}-actual.png")
    highlight = Image.composite(Image.new("RGB", actual.size, "#ff00ff"), actual, changed)
    highlight.save(RESULTS / f"{name}-diff.png")
    return f"{name}: {share:.2%} of pixels changed; see {RESULTS / (name + '-diff.png')}"

"""The search benchmark's verdict on search p99 against the home page's."""

import random

import pytest

from bench.search import p99, p99_ratio_interval, percentile, verdict

pytestmark = pytest.mark.engine_independent


def made_up(seed: int) -> random.Random:
    """Timings made up from a seed: the same every run, no secret in them."""
    return random.Random(seed)  # noqa: S311


def test_the_fast_p99_picks_what_the_sorted_percentile_picks():
    draw = made_up(1)
    for size in (1, 99, 100, 101, 1_000, 12_345):
        values = [draw.random() for _ in range(size)]
        assert p99(values) == percentile(values, 0.99)


def test_a_search_as_fast_as_the_home_page_is_judged_at_its_p99():
    draw = made_up(2)
    home = [draw.gauss(1.0, 0.1) for _ in range(2_000)]
    found = [draw.gauss(1.0, 0.1) for _ in range(2_000)]
    ratio, low, high = p99_ratio_interval(home, found, resamples=200)
    assert low <= ratio <= high
    assert low < 1 < high
    assert verdict(low, high).startswith("at the home page's")


def test_a_slower_or_faster_search_is_said_to_be_so():
    draw = made_up(3)
    home = [draw.gauss(1.0, 0.05) for _ in range(2_000)]
    slower = [value * 1.2 for value in home]
    _ratio, low, high = p99_ratio_interval(home, slower, resamples=200)
    assert verdict(low, high) == "ABOVE the home page's"
    _ratio, low, high = p99_ratio_interval(slower, home, resamples=200)
    assert verdict(low, high) == "below the home page's"

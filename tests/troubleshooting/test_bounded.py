"""What a process keeps stays within its bound, the least recently used going first."""

import threading

import pytest

from troubleshooting.bounded import RecentlyUsed

pytestmark = pytest.mark.engine_independent


def test_a_new_item_past_the_bound_pushes_out_the_least_recently_used():
    kept = RecentlyUsed(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "a" is now the most recently used
    kept.put("c", 3)
    assert len(kept) == 2
    assert kept.get("b") is None
    assert (kept.get("a"), kept.get("c")) == (1, 3)
    assert kept.values() == [1, 3]  # the least recently used first


def test_putting_again_replaces_and_counts_as_a_use():
    kept = RecentlyUsed(2)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.put("a", 10)
    kept.put("c", 3)
    assert kept.get("a") == 10
    assert kept.get("b") is None


def test_a_bound_read_at_each_put_follows_its_setting():
    bound = [3]
    kept = RecentlyUsed(lambda: bound[0])
    for key in "abc":
        kept.put(key, key)
    bound[0] = 1
    kept.put("d", "d")
    assert len(kept) == 1
    assert kept.get("d") == "d"
    kept.clear()
    assert len(kept) == 0


def test_threads_writing_at_once_leave_it_within_its_bound():
    kept = RecentlyUsed(50)

    def fill(start):
        for number in range(start, start + 2_000):
            kept.put(number, number)
            kept.get(number - 7)

    threads = [threading.Thread(target=fill, args=(n * 10_000,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(kept) == 50

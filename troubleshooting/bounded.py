"""A bounded map for what one process keeps: the least recently used item goes first.

The page cache's recent pages, the addresses answered before the resolver, the rendered blocks
and the flows answers were posted to each keep a few thousand items at most, read and written
by every thread of the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class RecentlyUsed(Generic[Value]):
    """At most ``size`` items; a new one past the bound pushes out the least recently used.

    ``size``: a number, or a callable read at every ``put`` (a setting a test may change). The
    order and the bound stay whole however many threads read and write at once.
    """

    def __init__(self, size: int | Callable[[], int]):
        self._size = size
        self._items: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return self._size() if callable(self._size) else self._size

    def get(self, key: Hashable) -> Value | None:
        """Return the item kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        """Keep ``value`` under ``key``, forgetting the least recently used past the bound."""
        size = self.size
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > size:
                self._items.popitem(last=False)

    def values(self) -> list[Value]:
        """Return the items kept, the least recently used first."""
        with self._lock:
            return list(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

"""Blocks of a page rendered once per process for the exact values they show, then reused.

The home page shows every topic's summary (its title, summary, first symptoms, count and way
into the guided fix) and the common problems' cards: about 300 values through the template
engine on every request the page cache did not answer, although the rows rarely change. Each
such block is kept here under everything it shows: its template, the interface language,
where addresses begin (script prefix, URLconf; ``addresses.address_context``) and the raw row
values it is rendered from, which are also the only values its context is built from. So a
block can never show another language's or a stale row's text, and it is never keyed by the
content version: after an editor's save (which retires every cached page at once, during a
surge) only the blocks whose rows changed are rendered again. Templates and catalogues change
with a release, which starts new processes, or in development with an edit the server reloads
(then every block is forgotten).

A small least-recently-used memory of this process's own, not a cache backend: Django's
``{% cache %}`` tag on a local-memory cache spent about 11 µs a block on a hit (resolving its
variables, hashing the key, unpickling the value) against well under 1 µs here, and a shared
cache would add a network round trip per block. An editor's preview never reads or fills it.
"""

import threading
from collections.abc import Callable, Hashable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString

from .addresses import address_context
from .bounded import RecentlyUsed

# How many blocks kept as their latest version alone (``Blocks.render(latest=True)``): each is a
# page's worth of HTML (the home page's topics, ~40 KB), kept per template, language and address
# root. A few languages under one or two script prefixes fill a handful; more places (a proxy
# passing many prefixes) only push each other out, each costing a render when next shown.
LATEST_MAX = 16


class BlockMemory:
    """Rendered blocks by key, least recently used out first; each ``latest`` one's version."""

    def __init__(self):
        self._kept: RecentlyUsed[SafeString] = RecentlyUsed(lambda: settings.RENDERED_BLOCKS_MAX)
        # Blocks kept as their one latest version each (``latest``), by all their key but values:
        # a page's worth of HTML each, one per template, language and address root, so few.
        self._latest: dict[tuple, tuple[tuple, SafeString]] = {}
        # Several threads may serve pages in one process: the bound stays whole.
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> SafeString | None:
        """Return the block kept under ``key`` (now the most recently used), or None."""
        return self._kept.get(key)

    def put(self, key: Hashable, html: SafeString) -> None:
        """Keep ``html`` under ``key``, forgetting the least recently used past the bound."""
        self._kept.put(key, html)

    def latest(self, key: tuple) -> SafeString | None:
        """Return the latest version kept of the block, if it was rendered for ``key``."""
        kept = self._latest.get(key[:-1])
        if kept is not None and kept[0] == key:
            return kept[1]
        return None

    def put_latest(self, key: tuple, html: SafeString) -> None:
        """Keep ``html`` as the block's one version, in place of any other values' version."""
        where = key[:-1]
        with self._lock:
            if where not in self._latest and len(self._latest) >= LATEST_MAX:
                del self._latest[next(iter(self._latest))]
            self._latest[where] = (key, html)

    def __len__(self) -> int:
        return len(self._kept) + len(self._latest)

    def clear(self) -> None:
        """Forget every block."""
        self._kept.clear()
        with self._lock:
            self._latest.clear()


memory = BlockMemory()


class Blocks:
    """Render one response's blocks, reading what every block depends on once."""

    def __init__(self, *, keep: bool):
        self.keep = keep and settings.RENDERED_BLOCKS_MAX > 0
        self._shared = address_context()

    def render(
        self,
        template_name: str,
        values: tuple,
        context: Callable[[tuple], dict],
        *,
        strip: bool = True,
        latest: bool = False,
    ) -> SafeString:
        """Return the block ``template_name`` shows for ``values``, rendered if not kept.

        ``context(values)`` builds the template's context from ``values`` alone (the key holds
        nothing else of the page), and runs only when the block is rendered. The block's outer
        whitespace is the page's: it is stripped, unless ``strip`` is false (a template tag's
        output, which keeps the template's own). With ``latest`` only the block's latest
        version is kept (per language and address root), apart from the least-recently-used
        memory and bounded by ``LATEST_MAX``: for a block made of many others, which any of
        their changes renders again, so that each save would otherwise leave a whole page's
        worth of HTML behind.
        """
        key = (template_name, strip, self._shared, values)
        if self.keep:
            html = memory.latest(key) if latest else memory.get(key)
            if html is not None:
                return html
        html = get_template(template_name).render(context(values))
        html = SafeString(html.strip() if strip else html)
        if self.keep:
            if latest:
                memory.put_latest(key, html)
            else:
                memory.put(key, html)
        return html


@receiver(setting_changed)
@receiver(file_changed)
def _forget(**kwargs) -> None:
    """Forget every block: they may now come out otherwise.

    After a changed setting (a test's), or an edited template or catalogue the development
    server reloads without a restart (Django's own reloaders answer this signal). Returns None:
    whether the server restarts stays theirs to say.
    """
    memory.clear()

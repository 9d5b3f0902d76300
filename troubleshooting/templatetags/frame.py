"""``{% fixed %}``: the parts of the page frame that are the same on every page, rendered once.

The head's links and scripts, the header's name and search form, the footer: on every page,
in a given language, they come out the same, yet the template engine rebuilt them (about 40
nodes, a dozen ``gettext`` calls, a few ``{% url %}`` and ``{% static %}``) for every response
the page cache did not hold. A ``{% fixed %}`` block is rendered against an empty context,
so it cannot show anything of the page or the request, and what it gives is kept on the
compiled template's node for the process's life. It changes with the interface language and
with where the site's addresses begin (the script prefix, the URLconf), so it is kept per
each; templates, catalogues and static files change only with a release, which restarts the
processes, or in development with an edit the server reloads (then every block is dropped).

``{% fixed count=steps|length %}`` gives the block those values alone (numbers, text or
booleans) and keeps it per value as well: the interface words around a count ("4 steps"), whose
plural forms cost a catalogue look-up through the language's fallbacks on every page.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader_tags import BlockNode
from django.utils.autoreload import file_changed
from django.utils.translation import get_language

from ..addresses import address_context

register = template.Library()

# Languages × script prefixes × URLconfs: a handful. The bound only matters should a server
# let clients pick the script prefix; past it a block is rendered live, as any other.
MOST_KEPT = 32
# Blocks given values: as many again for each value a block shows (a page's count of steps).
MOST_KEPT_WITH_VALUES = 512
# What a value may be: shown as the page's own would be, and a key that compares by value.
KEPT_TYPES = (str, int, bool)

# Every compiled block, so that a changed setting (a test's static storage or URLconf) drops what
# they keep: in production settings never change while a process runs.
_blocks = weakref.WeakSet()


class FixedNode(template.Node):
    """Render the block once per language, address root and values, with none of the page's."""

    def __init__(self, nodelist, values: dict | None = None):
        self.nodelist = nodelist
        self.values = values or {}
        self.most = MOST_KEPT_WITH_VALUES if self.values else MOST_KEPT
        self.kept = {}
        _blocks.add(self)

    def render(self, context):
        values = tuple((name, value.resolve(context)) for name, value in self.values.items())
        if not all(type(value) in KEPT_TYPES for _name, value in values):
            # Not a plain value (a lazy or safe string, an object): rendered, never kept.
            return self.nodelist.render(context.new(dict(values)))
        # Each value's type in the key too: 1 and True are equal, and would share a block.
        kinds = tuple(type(value) for _name, value in values)
        key = (_key(context), values, kinds) if values else _key(context)
        html = self.kept.get(key)
        if html is None:
            # An empty context of the same kind (autoescaping, the template for the engine's
            # settings): the page's variables, the request's among them, are not in it.
            html = self.nodelist.render(context.new(dict(values)))
            if len(self.kept) < self.most:
                self.kept[key] = html
        return html


# Where a template render keeps where addresses begin (``Context.render_context``).
_ROOT = object()


def _key(context) -> tuple:
    """Return ``address_context()``, read once per template render and language.

    Where addresses begin is the request's, the same all through a render; reading it (three
    thread-locals, the URLconf's through an exception when none is set) cost 8 µs a block,
    and an article has two dozen. The language is checked for each block: a ``{% language %}``
    block may change it.
    """
    language = get_language()
    kept = context.render_context.get(_ROOT)
    if kept is None or kept[0] != language:
        kept = context.render_context[_ROOT] = (language, address_context())
    return kept[1]


@register.tag
def fixed(parser, token):
    """Compile ``{% fixed [name=value ...] %}…{% endfixed %}``; a block inside would differ."""
    values = {}
    for bit in token.split_contents()[1:]:
        name, equals, value = bit.partition("=")
        if not (equals and name.isidentifier() and value):
            raise template.TemplateSyntaxError("'fixed' takes only name=value arguments")
        values[name] = parser.compile_filter(value)
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(
            "'fixed' can't hold a {% block %}: a page that extends the template may change it"
        )
    return FixedNode(nodelist, values)


@receiver(setting_changed)
@receiver(file_changed)
def _forget(**kwargs):
    """Drop every kept block: its static addresses, words or links may now come out otherwise.

    After a changed setting (a test's), or an edited template or catalogue the development
    server reloads without a restart. Returns None: whether it restarts stays Django's to say.
    """
    for block in list(_blocks):
        block.kept = {}

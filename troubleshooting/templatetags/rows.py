"""``{% each %}``: a loop over plain rows whose body is only text and the rows' own values.

The home page lists hundreds of links, each ``<li><a href="{{ s.url }}">{{ s.title }}</a></li>``:
through ``{% for %}`` every one pushed a context, filled ``forloop``, and resolved each value
through the context's stack and the engine's look-up rules (a subscript, then an attribute, then
a call) before escaping it. When the body is text and ``{{ row.key }}`` only (no filters, no
tags), the loop can read each key of each row directly and escape it as the engine would. A
value from outside the rows (``{{ label }}``, no filters either) is rendered once for the loop.

    {% each symptom in topic.listed_symptoms %}<li>{{ symptom.title }}</li>{% endeach %}

Rows are dictionaries (``values()`` rows, or made in the view); anything else, or a row without
one of the keys, goes through the engine's own rendering, so the output is always what
``{% for %}`` would give.
"""

import html

from django import template
from django.template.base import TextNode, VariableNode, render_value_in_context
from django.utils.safestring import mark_safe

register = template.Library()


class EachNode(template.Node):
    """Render ``nodelist`` once per row, reading the rows' keys directly where it can."""

    def __init__(self, name: str, rows, nodelist, parts):
        self.name = name
        self.rows = rows
        self.nodelist = nodelist
        # Text, the key of a row (a 1-tuple), or a value from outside the rows (its node).
        self.parts = parts
        self.keys = {part[0] for part in parts if isinstance(part, tuple)}

    def render(self, context):
        rows = list(self.rows.resolve(context, ignore_failures=True) or ())
        if not all(isinstance(row, dict) and self.keys <= row.keys() for row in rows):
            return self._render_through_the_engine(rows, context)
        escaping = context.autoescape
        # Text, and the values from outside the rows rendered once, as text.
        parts = [
            part.render(context) if isinstance(part, VariableNode) else part for part in self.parts
        ]
        out = []
        for row in rows:
            for part in parts:
                if part.__class__ is not tuple:
                    out.append(part)
                    continue
                value = row[part[0]]
                if value.__class__ is str:
                    # What render_value_in_context does to a plain string: no localising, then
                    # django.utils.html.escape(), which is html.escape() marked safe (the whole
                    # is marked below), without its check for lazy arguments on every call.
                    out.append(html.escape(value) if escaping else value)
                else:
                    out.append(render_value_in_context(value, context))
        return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)

    def _render_through_the_engine(self, rows, context):
        """Render each row as ``{% for %}`` would (``forloop`` aside: the body can't use it)."""
        out = []
        with context.push():
            for row in rows:
                context[self.name] = row
                out.append(self.nodelist.render(context))
        return mark_safe("".join(out))  # noqa: S308 (each part rendered by the engine)


def _parts(name: str, nodelist) -> list:
    """Return the body as text and row keys, or raise if it holds anything else."""
    parts = []
    for node in nodelist:
        if isinstance(node, TextNode):
            parts.append(node.s)
            continue
        if isinstance(node, VariableNode):
            expression = node.filter_expression
            variable = expression.var
            lookups = getattr(variable, "lookups", None) or ()
            if not expression.filters and len(lookups) == 2 and lookups[0] == name:
                parts.append((lookups[1],))
                continue
            # Not the loop's own variables: they change from row to row.
            if not expression.filters and lookups and lookups[0] not in (name, "forloop"):
                parts.append(node)
                continue
        raise template.TemplateSyntaxError(
            f"'each' holds only text and values without filters ({{{{ {name}.key }}}} or one"
            " from outside the rows); use 'for' for more"
        )
    return parts


@register.tag
def each(parser, token):
    """Compile ``{% each row in rows %}…{% endeach %}``."""
    bits = token.split_contents()
    if len(bits) != 4 or bits[2] != "in":
        raise template.TemplateSyntaxError("'each' is written {% each row in rows %}")
    name, rows = bits[1], parser.compile_filter(bits[3])
    nodelist = parser.parse(("endeach",))
    parser.delete_first_token()
    return EachNode(name, rows, nodelist, _parts(name, nodelist))

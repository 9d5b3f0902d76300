"""Template filters that put the outcome dashboards' figures in an editor's words."""

from django import template

from troubleshooting.admin import outcomes

register = template.Library()

register.filter("fix_rate_in_words", outcomes.fix_rate_in_words)
register.filter("payoff_in_words", outcomes.payoff_in_words)

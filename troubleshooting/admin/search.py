"""Search in the editors' admin: the synonyms they keep, and what people search for.

"Content gaps" puts the queries people searched whose results nobody opened beside the searches
that found nothing: both say the guide lacks an answer in those words.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from troubleshooting.models import SearchMiss, SearchOpen, SearchQuery
from troubleshooting.outcomes import languages

from .changelists import DateSafeChangeList, LanguageFilter, language_column
from .outcomes import PeriodForm

# A query searched once and left may just be someone who found the answer in a snippet.
GAP_MIN_SEARCHES = 2
GAP_ROWS = 50


class SearchSynonymAdmin(admin.ModelAdmin):
    """Words people type and what the guide calls them, used by search on every query."""

    list_display = ["__str__", "means", language_column, "updated"]
    list_filter = [LanguageFilter]
    search_fields = ["phrases", "means"]
    fields = ["language", "phrases", "means"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Offer the site's languages by name, not a box for a code."""
        if db_field.name == "language":
            return forms.ChoiceField(
                choices=languages.choices(),
                initial=db_field.default,
                label=db_field.verbose_name,
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def unopened_queries(language: str = ""):
    """Return the queries searched a few times whose results nobody opened, most searched first.

    A search that finds nothing is a miss, listed on its own: left out here. Only queries in
    ``language``, when one is given.
    """
    missed_now = SearchMiss.objects.filter(query=OuterRef("query"), language=OuterRef("language"))
    queries = SearchQuery.objects.filter(opens=0, searches__gte=GAP_MIN_SEARCHES)
    if language:
        queries = queries.filter(language=language)
    return queries.exclude(Exists(missed_now)).order_by("-searches", "-last_seen")


class OpenedFilter(admin.SimpleListFilter):
    title = "results opened"
    parameter_name = "opened"

    def lookups(self, request, model_admin):
        return [("no", "Nobody opened a result"), ("yes", "Someone opened a result")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(opens=0)
        if self.value() == "yes":
            return queryset.filter(opens__gt=0)
        return queryset


class SearchOpenInline(admin.TabularInline):
    model = SearchOpen
    fields = ["title", "kind", "count", "last_opened"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SearchQueryAdmin(admin.ModelAdmin):
    """What people searched for from the search page, and which results they opened."""

    list_display = ["query", language_column, "searches", "opens", "last_seen"]
    list_filter = [OpenedFilter, LanguageFilter]
    search_fields = ["query"]
    date_hierarchy = "last_seen"
    readonly_fields = ["query", "language", "searches", "opens", "first_seen", "last_seen"]
    inlines = [SearchOpenInline]

    def get_changelist(self, request, **kwargs):
        return DateSafeChangeList

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        gaps = self.admin_site.admin_view(self.gaps_view)
        return [
            path("gaps/", gaps, name="troubleshooting_searchquery_gaps"),
            *super().get_urls(),
        ]

    @method_decorator(require_safe)
    def gaps_view(self, request):
        """Show the queries whose results nobody opens beside the searches that found nothing."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The dashboards' form checks the language; a bad one is its error, shown on the page.
        form = PeriodForm(request.GET or None)
        language = form.period().language
        unopened = unopened_queries(language)[:GAP_ROWS]
        misses = SearchMiss.objects.order_by("-count", "-last_seen")
        if language:
            misses = misses.filter(language=language)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Content gaps"),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "unopened": unopened,
            "misses": misses[:GAP_ROWS],
            "form": form,
            "language": language,
            "min_searches": GAP_MIN_SEARCHES,
        }
        return TemplateResponse(request, "admin/troubleshooting/search_gaps.html", context)

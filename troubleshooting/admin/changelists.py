"""Admin change lists that answer an impossible date in the address with Django's own notice,
and the language filter of lists of what visitors did.

The admin's ``date_hierarchy`` turns ``?…__year=9999&…__month=12`` into "up to the first of the
next month", which overflows Python's dates; Django only catches the ``ValueError`` of building
the first date. Any date list would 500 on such an address: answer it like any other bad filter.
"""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _

from troubleshooting.outcomes import languages


class DateSafeChangeList(ChangeList):
    """A change list that refuses dates it cannot count to, as a bad filter (``?e=1``)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class LanguageFilter(admin.SimpleListFilter):
    """Show only what visitors did in one of the site's languages."""

    title = _("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return languages.choices()

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


@admin.display(description=_("language"), ordering="language")
def language_column(obj) -> str:
    """Name the language a row was recorded in."""
    return languages.name(obj.language)

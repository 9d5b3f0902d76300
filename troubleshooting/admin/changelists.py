"""Admin change lists that answer an impossible date in the address with Django's own notice.

The admin's ``date_hierarchy`` turns ``?…__year=9999&…__month=12`` into "up to the first of the
next month", which overflows Python's dates; Django only catches the ``ValueError`` of building
the first date. Any date list would 500 on such an address: answer it like any other bad filter.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateSafeChangeList(ChangeList):
    """A change list that refuses dates it cannot count to, as a bad filter (``?e=1``)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

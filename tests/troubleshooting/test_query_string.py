"""A query written without quoting where it needs none is the one urlencode() writes."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from troubleshooting.addresses import query_string

pytestmark = pytest.mark.engine_independent


@pytest.mark.parametrize(
    "pairs",
    [
        [],
        [("r", "n-s"), ("v", "0123abcdef01"), ("via", "wifi_off"), ("s", "A.b~c")],
        [("q", "a b")],
        [("q", "é")],
        [("a/b", "1")],
        [("q", "a&b=c")],
        [("q", "")],
        [("", "x"), ("q", "1"), ("q", "2")],
        [("n", 1)],
        [("q", "a+b%20")],
    ],
)
def test_a_query_is_the_one_urlencode_writes(pairs):
    assert query_string(pairs) == urlencode(pairs)


def test_a_request_query_is_the_one_django_writes():
    query = QueryDict("q=a+b%2Fé&q=2&via=wifi&s=Ab-c_d.e~f&empty=", mutable=True)
    pairs = [(key, value) for key, values in query.lists() for value in values]
    assert query_string(pairs) == query.urlencode()

"""Clear answers to requests the views never see."""

from django.core.exceptions import BadRequest
from django.shortcuts import render


class ClearErrorsMiddleware:
    """Keep NUL bytes away from the database, and give a 405 a page instead of an empty body.

    PostgreSQL cannot hold a NUL byte in text, so a query parameter carrying one (say, in an
    admin filter) would reach the database and fail with a server error: such a request is
    refused. A cookie carrying one (a quoted value may spell it ``"\\000..."``) would do the
    same when its session is looked up, on every page: such a cookie is ignored instead, as
    if it had not been sent, since we never set one and refusing it would lock the person out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in query or "%00" in query:
            raise BadRequest("NUL byte in the query string")
        if any("\x00" in value for value in request.COOKIES.values()):
            request.COOKIES = {
                name: value for name, value in request.COOKIES.items() if "\x00" not in value
            }
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", {"title": "That doesn't work here"}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response

"""The content check in the admin: a page listing every problem, and messages on an object's page.

``ContentCheckPage`` gives the admin site its "Content check" page (``admin:content_check``); the
publishing admin calls ``add_problem_messages`` once an object and its inlines are saved (or
published from a list). The checks themselves live in ``troubleshooting.content_checks``.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from troubleshooting import content_checks as checks

MESSAGE_LEVELS = {checks.Level.ERROR: messages.ERROR, checks.Level.WARNING: messages.WARNING}


def change_url(ref: checks.Ref, *, site_name: str = "admin") -> str | None:
    """Return the admin page where the object can be fixed, if it has one."""
    if ref.pk is None:
        return None
    opts = ref.model._meta
    try:
        return reverse(f"{site_name}:{opts.app_label}_{opts.model_name}_change", args=[ref.pk])
    except NoReverseMatch:
        return None


def add_problem_messages(
    request,
    obj: models.Model,
    *,
    site_name: str = "admin",
    problems: list[checks.Problem] | None = None,
) -> list[checks.Problem]:
    """Tell the editor, as admin messages, what is wrong with ``obj`` or involves it.

    ``problems`` are those concerning ``obj`` when already known (several items checked at
    once); otherwise the object is checked as it stands. Problems found in another object (an
    answer of a question leading to this draft symptom) name that object and link to it, since
    that is where they are fixed.
    """
    problems = checks.check_object(obj) if problems is None else problems
    for problem in problems:
        if problem.obj.is_for(obj):
            text = problem.message
        else:
            url = change_url(problem.obj, site_name=site_name)
            name = format_html('<a href="{}">{}</a>', url, problem.obj.text) if url else ""
            text = format_html(
                "{} “{}”: {}", problem.obj.kind, name or problem.obj.text, problem.message
            )
        messages.add_message(request, MESSAGE_LEVELS[problem.severity], text)
    return problems


class ContentCheckPage:
    """Give an ``AdminSite`` its site-wide "Content check" page."""

    def get_urls(self):
        page = path(
            "content-check/", self.admin_view(self.content_check_view), name="content_check"
        )
        # Ahead of the site's own URLs, whose catch-all would answer first.
        return [page, *super().get_urls()]

    @method_decorator(require_safe)
    def content_check_view(self, request):
        """List every problem in the content, grouped by the object to fix, with links to it."""
        if not request.user.has_module_perms("troubleshooting"):
            raise PermissionDenied
        problems = checks.check_content()
        errors, warnings = checks.count(problems)
        groups = [
            {"ref": ref, "url": change_url(ref, site_name=self.name), "problems": group}
            for ref, group in checks.group_by_object(problems)
        ]
        context = {
            **self.each_context(request),
            "title": gettext("Content check"),
            "app_label": "troubleshooting",
            "app_name": apps.get_app_config("troubleshooting").verbose_name,
            "groups": groups,
            "errors": errors,
            "warnings": warnings,
        }
        return TemplateResponse(request, "admin/troubleshooting/content_check.html", context)

"""The live preview beside each Markdown field: the widget wired in, and the page rendering it."""

import re

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from troubleshooting.markdown import MARKDOWN_MAX_LENGTH, render_markdown, validate_markdown

from .widgets import MarkdownWidget

# Markup the sanitizer removes (raw HTML, images): the preview says it was left out.
UNSAFE_MARKUP = re.compile(r"<(?!https?://|mailto:)[a-zA-Z!/?]|!\[|^# ", re.MULTILINE)
# A link the sanitizer kept the words of but not the address (``javascript:`` and the like).
DROPPED_LINK = re.compile(r"<a(?![^>]*\bhref=)[^>]*>(.*?)</a>", re.DOTALL)


class MarkdownPreview:
    """Give a ModelAdmin of a model with ``markdown_fields`` a preview beside each of them."""

    def get_urls(self):
        opts = self.opts
        # Not behind ``admin_view``: a signed-out editor would get the login page inside the
        # preview. The view says "you were signed out" instead (same CSRF and no-cache guards).
        preview = path(
            "markdown-preview/",
            csrf_protect(never_cache(self.markdown_preview_view)),
            name=f"{opts.app_label}_{opts.model_name}_markdown_preview",
        )
        return [preview, *super().get_urls()]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        sources = {source for source, _target in self.model.markdown_fields}
        if db_field.name in sources:
            opts = self.opts
            name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_markdown_preview"
            url = reverse(name)
            kwargs["widget"] = MarkdownWidget(preview_url=url, label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @method_decorator(require_POST)
    def markdown_preview_view(self, request):
        """Render Markdown as the site will, for the live preview beside each Markdown field."""
        if not self.admin_site.has_permission(request):
            return self.signed_out(request)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        name = request.GET.get("field", "")
        text = request.POST.get(name, "")
        problems = self.markdown_problems(name, text)
        if problems:
            # The same words the form gives on saving, while the editor types.
            html = format_html_join(
                "", '<p class="errornote">{}</p>', ((problem,) for problem in problems)
            )
            context = {"html": html, "removed": False}
        else:
            html = render_markdown(text)
            context = {
                "html": html,
                "removed": bool(UNSAFE_MARKUP.search(text)),
                "dropped_links": DROPPED_LINK.findall(html),
            }
        return TemplateResponse(request, "admin/troubleshooting/markdown_preview.html", context)

    def signed_out(self, request):
        """Say the session ended, in the preview's place, with a way to sign in again."""
        back = request.headers.get("HX-Current-URL", "") or reverse(f"{self.admin_site.name}:index")
        login = reverse(f"{self.admin_site.name}:login")
        context = {"signed_out": True, "login_url": f"{login}?{REDIRECT_FIELD_NAME}="}
        context["back"] = back
        return TemplateResponse(request, "admin/troubleshooting/markdown_preview.html", context)

    def markdown_problems(self, name: str, text: str) -> list[str]:
        """Return why the field would refuse ``text`` (its length, its Markdown), if it would."""
        sources = {source for source, _target in self.model.markdown_fields}
        if name in sources:
            validators = self.model._meta.get_field(name).validators
        else:  # not one of the model's Markdown fields: bound the work all the same
            validators = [MaxLengthValidator(MARKDOWN_MAX_LENGTH), validate_markdown]
        problems = []
        for validator in validators:
            try:
                validator(text)
            except ValidationError as error:
                problems += error.messages
        return problems

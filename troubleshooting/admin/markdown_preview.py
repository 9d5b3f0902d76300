"""The live preview beside each Markdown field: the widget wired in, and the page rendering it."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.views.decorators.http import require_POST

from troubleshooting.markdown import MARKDOWN_MAX_LENGTH, render_markdown, validate_markdown

from .widgets import MarkdownWidget

# Markup the sanitizer removes (raw HTML, images): the preview says it was left out.
UNSAFE_MARKUP = re.compile(r"<(?!https?://|mailto:)[a-zA-Z!/?]|!\[|^# ", re.MULTILINE)


class MarkdownPreview:
    """Give a ModelAdmin of a model with ``markdown_fields`` a preview beside each of them."""

    def get_urls(self):
        opts = self.opts
        preview = path(
            "markdown-preview/",
            self.admin_site.admin_view(self.markdown_preview_view),
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
            context = {"html": render_markdown(text), "removed": bool(UNSAFE_MARKUP.search(text))}
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

"""The live preview beside each Markdown field: the widget wired in, and the page rendering it."""

import re

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from troubleshooting.markdown import render_markdown

from .widgets import MarkdownWidget

# Markdown an editor previews at once; fields are far shorter, this only bounds the work.
MARKDOWN_PREVIEW_LIMIT = 50_000
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
        text = request.POST.get(request.GET.get("field", ""), "")[:MARKDOWN_PREVIEW_LIMIT]
        context = {"html": render_markdown(text), "removed": bool(UNSAFE_MARKUP.search(text))}
        return TemplateResponse(request, "admin/troubleshooting/markdown_preview.html", context)

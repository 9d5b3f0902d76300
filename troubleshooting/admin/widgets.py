"""Admin widgets: a Markdown field with a live preview rendered by the site's own sanitizer."""

from django import forms


class MarkdownWidget(forms.Textarea):
    """A textarea that shows, beside it, the sanitized HTML the site will publish.

    htmx posts the text to ``preview_url`` as the editor types (and once on load); the preview is
    rendered on the server by ``render_markdown``, so it is exactly what people will see.
    """

    template_name = "admin/troubleshooting/widgets/markdown.html"

    def __init__(self, *, preview_url: str, label: str = "", attrs=None):
        super().__init__(attrs={"rows": 10, **(attrs or {})})
        self.preview_url = preview_url
        self.label = label

    class Media:
        css = {"all": ["css/admin.css"]}
        js = ["vendor/htmx-2.0.11.min.js"]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = self.preview_url
        context["widget"]["label"] = self.label
        return context

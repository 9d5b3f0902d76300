"""Admin widgets: text boxes that read line breaks as saved, and Markdown with a live preview."""

from django import forms

from troubleshooting.models.publishing import normalize_newlines


class TextBox(forms.Textarea):
    """A textarea whose value reads line breaks as "\n", as the models store them.

    Browsers send "\r\n"; read as sent, an unchanged text would differ from the saved one, so
    saving a page without changing anything would record "Changed …" in its history.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return normalize_newlines(value) if isinstance(value, str) else value


class MarkdownWidget(TextBox):
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

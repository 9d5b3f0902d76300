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


UPDATE_SEPARATOR = "---"


def join_updates(texts: list[str]) -> str:
    """Write a timeline's update texts as one box holds them: a line of ``---`` between each."""
    return f"\n\n{UPDATE_SEPARATOR}\n\n".join(texts)


class UpdateTextsField(forms.CharField):
    """A timeline's updates, oldest first, in one box: written and read as text, kept as a list.

    A translator writes prose, not JSON. An empty block keeps its place (that update shows in
    English), so the ones after it stay beside their English.
    """

    widget = TextBox

    def prepare_value(self, value):
        return join_updates(value) if isinstance(value, list) else value

    def to_python(self, value) -> list[str]:
        text = normalize_newlines(super().to_python(value) or "")
        if not text.strip():
            return []
        texts, current = [], []
        for line in text.split("\n"):
            if line.strip() == UPDATE_SEPARATOR:
                texts.append("\n".join(current).strip())
                current = []
            else:
                current.append(line)
        texts.append("\n".join(current).strip())
        return texts

    def has_changed(self, initial, data) -> bool:
        return (initial or []) != self.to_python(data)

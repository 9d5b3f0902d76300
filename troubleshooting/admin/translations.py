"""Translating in the admin: each field beside its English, what changed in the English since.

One ModelAdmin per kind of translation, all built by ``translation_admin``. The change form
pairs every translated field with the English text, read-only, on the same row; an outdated
translation shows the English's change in the diff table history and approval use, and "Mark
as up to date" (a button and a list action) records the English as it is now.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from troubleshooting.models import TRANSLATION_LANGUAGES, TRANSLATION_MODELS, normalize_newlines

from . import (
    publishing,  # which imports this module: its names are read when called
    versions,
)
from .history import HistoryAdmin
from .markdown_preview import MarkdownPreview
from .widgets import TextBox, UpdateTextsField, join_updates

MARK_UP_TO_DATE = "_mark_up_to_date"


class OutdatedFilter(admin.SimpleListFilter):
    """Translations whose English changed since they were last brought up to date."""

    title = _("English changed")
    parameter_name = "outdated"

    def lookups(self, request, model_admin):
        return [("yes", _("Outdated")), ("no", _("Up to date"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        # Compared in Python: the snapshot is JSON, the English is spread over columns.
        outdated = [row.pk for row in queryset.select_related("source") if row.is_outdated]
        wanted = Q(pk__in=outdated)
        return queryset.filter(wanted if self.value() == "yes" else ~wanted)


def _shown(value) -> str:
    """Write a translatable value as the editor reads it: answers or updates one a line."""
    if isinstance(value, list) and all(isinstance(text, str) for text in value):
        return join_updates(value)
    if isinstance(value, list):
        return "\n".join(
            f"{number}. {choice.get('label', '')}"
            + (f" ({choice['hint']})" if choice.get("hint") else "")
            for number, choice in enumerate(value, 1)
        )
    return normalize_newlines(str(value or ""))


def _english_display(name: str, label):
    """Return a read-only column showing the English ``name`` beside its translation."""

    @admin.display(description=format_html("{} ({})", label, _("English")))
    def english(self, obj):
        if obj is None or obj.source_id is None:
            return "—"
        text = _shown(obj.source_texts()[name])
        if not text.strip():
            return format_html('<span class="source-empty">{}</span>', _("(empty in English)"))
        return format_html('<div class="source-text" lang="en">{}</div>', text)

    english.__name__ = f"english_{name}"
    return english


class TranslationAdmin(MarkdownPreview, HistoryAdmin):
    """Translations of one kind: side by side with the English, outdated ones flagged."""

    change_form_template = "admin/troubleshooting/translation_change_form.html"
    list_display = ["__str__", "language", "slug", "on_the_site", "up_to_date"]
    list_filter = ["language", "status", OutdatedFilter]
    list_select_related = ["source"]
    actions = ["mark_up_to_date"]
    save_on_top = True
    publishing_fields = ["status", "publish_at"]

    class Media:
        css = {"all": ["css/admin.css", "css/admin-review.css"]}

    def get_search_fields(self, request):
        names = self.source_search_fields
        return ["slug", *names, *[f"source__{name}" for name in names]]

    def get_fieldsets(self, request, obj=None):
        pairs = [(f"english_{name}", name) for name in self.model.source_fields]
        first = ["source", "language", "slug"]
        return [
            (None, {"fields": first}),
            (_("English changes"), {"fields": ["source_changes"], "classes": ["english-changes"]}),
            (_("Text, beside the English"), {"fields": pairs}),
            (_("Publishing in this language"), {"fields": ["status", "publish_at"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["source_changes", *(f"english_{name}" for name in self.model.source_fields)]
        if obj is not None:
            fields += ["source", "language"]  # another item or language is another translation
        if not self.can_publish(request):
            fields += self.publishing_fields
        return fields

    def _label(self, name: str) -> str:
        return capfirst(self.model._meta.get_field(name).verbose_name)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "updates":  # a known issue's timeline, written as text
            return UpdateTextsField(
                label=capfirst(db_field.verbose_name),
                required=False,
                help_text=db_field.help_text,
                widget=TextBox(attrs={"rows": 8, "cols": 80}),
            )
        if db_field.name == "summary":  # a sentence or two: a box, as on the English page
            kwargs["widget"] = TextBox(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def can_publish(self, request) -> bool:
        """Whether this user may publish; anyone who can edit, unless the site wants review."""
        if not settings.CONTENT_REQUIRE_REVIEW:
            return True
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    @admin.display(description=_("What changed in the English"))
    def source_changes(self, obj):
        if obj is None or obj.pk is None:
            return _("A new translation is made from the English as it is now.")
        label = {name: self._label(name) for name in obj.source_fields}
        before = {label.get(k, k): _shown(v) for k, v in obj.source_snapshot.items()}
        after = {label[name]: _shown(value) for name, value in obj.source_texts().items()}
        changes = versions.changes(before, after)
        if not changes:
            return _("Nothing: this translation is up to date with the English.")
        table = render_to_string(
            "admin/troubleshooting/includes/diff_table.html",
            {"changes": changes, "before": _("when translated"), "after": _("now")},
        )
        return format_html('<div class="history-diff">{}</div>', table)

    @admin.display(description=_("On the site"), ordering="status")
    def on_the_site(self, obj):
        return publishing.yes_no_icon(obj.is_published)

    @admin.display(description=_("Up to date with the English"))
    def up_to_date(self, obj):
        return publishing.yes_no_icon(not obj.is_outdated)

    @admin.action(description=_("Mark as up to date with the English"), permissions=["change"])
    def mark_up_to_date(self, request, queryset):
        rows = [row for row in queryset.select_related("source") if row.is_outdated]
        for row in rows:
            row.mark_up_to_date()
            row.save(update_fields=["source_snapshot", "updated"])
        self.message_user(
            request,
            ngettext(
                "Marked %(count)d translation as up to date.",
                "Marked %(count)d translations as up to date.",
                len(rows),
            )
            % {"count": len(rows)},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        if MARK_UP_TO_DATE in request.POST:
            obj.mark_up_to_date()
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        return None  # the item's page in that language comes with the language switcher


def translation_links(obj) -> list[tuple[str, str]]:
    """Return (label, page) for each language: its translation of ``obj``, or a new one."""
    model = TRANSLATION_MODELS.get(type(obj))
    if model is None or obj.pk is None:
        return []
    existing = dict(model.objects.filter(source=obj).values_list("language", "pk"))
    opts = model._meta
    links = []
    for code, name in TRANSLATION_LANGUAGES:
        if code in existing:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[existing[code]])
            links.append((_("%(language)s translation") % {"language": _(name)}, url))
        else:
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            query = urlencode({"source": obj.pk, "language": code})
            links.append(
                (_("Translate into %(language)s") % {"language": _(name)}, f"{add}?{query}")
            )
    return links


def translation_admin(model, *, search: list[str]) -> type[TranslationAdmin]:
    """Return the admin of one kind of translation, with its English columns."""
    members = {"source_search_fields": search, "__module__": __name__}
    for name in model.source_fields:
        label = model._meta.get_field(name).verbose_name.capitalize()
        members[f"english_{name}"] = _english_display(name, label)
    return type(f"{model.__name__}Admin", (TranslationAdmin,), members)


def register(site) -> None:
    """Register every kind of translation with the editors' site."""
    from troubleshooting.models import (
        CauseTranslation,
        FixStepTranslation,
        KnownIssueTranslation,
        SymptomTranslation,
        TopicTranslation,
        TriageQuestionTranslation,
    )

    site.register(TopicTranslation, translation_admin(TopicTranslation, search=["title"]))
    site.register(SymptomTranslation, translation_admin(SymptomTranslation, search=["title"]))
    site.register(CauseTranslation, translation_admin(CauseTranslation, search=["title"]))
    site.register(FixStepTranslation, translation_admin(FixStepTranslation, search=["title"]))
    site.register(
        TriageQuestionTranslation,
        translation_admin(TriageQuestionTranslation, search=["prompt"]),
    )
    site.register(KnownIssueTranslation, translation_admin(KnownIssueTranslation, search=["title"]))

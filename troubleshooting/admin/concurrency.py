"""No lost edits: a save made from a page opened before someone else's save is refused.

The change form carries an edit token (the latest saved version's id and a fingerprint of the item
with its ordered lists, ``review.fingerprint``); list pages carry each editable value as shown. A
save whose token no longer matches is refused with what changed meanwhile, the editor's own text
kept in the form to merge. Scripted posts without a token (imports, tests) are not checked.
"""

from __future__ import annotations

import functools

import reversion
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from reversion.models import Version

from troubleshooting import review

from . import versions

TOKEN_FIELD = "edit_token"  # noqa: S105 (a form field's name, not a secret)


def _latest_version(obj) -> Version | None:
    return Version.objects.get_for_object(obj).select_related("revision__user").first()


def _keep_first_version(obj) -> Version | None:
    """Keep the item as it is in its history, so a refused save can say what changed since."""
    # Items loaded from files or fixtures have no saved version until their first admin save.
    with reversion.create_revision():
        reversion.set_comment("Kept as it was when first opened for editing.")
        reversion.add_to_revision(type(obj)._default_manager.get(pk=obj.pk))
    return _latest_version(obj)


def _who_and_when(version: Version | None) -> str:
    if version is None:
        return ""
    user = version.revision.user
    name = (user.get_full_name() or user.get_username()) if user else "someone outside the admin"
    when = date_format(localtime(version.revision.date_created), "SHORT_DATETIME_FORMAT")
    return f" ({name}, {when})"


def meanwhile(obj, sent_token: str) -> list[versions.Change]:
    """Return what changed in ``obj`` since the version named by ``sent_token``."""
    version_id = sent_token.partition(":")[0]
    version = (
        Version.objects.get_for_object(obj).filter(pk=version_id).first()
        if version_id.isdigit()
        else None
    )
    if version is None:
        return []
    names = versions.Names()
    return versions.changes(versions.version_lines(version, names), versions.current_lines(obj))


class EditTokenField(forms.CharField):
    """The version a form was opened at: bookkeeping, never a change the editor made."""

    def has_changed(self, initial, data):
        return False


def guard_change_form(form_class: type[forms.ModelForm], obj) -> type[forms.ModelForm]:
    """Return ``form_class`` refusing a save if ``obj`` changed since the form was shown."""

    @functools.cache
    def token_now() -> str:
        version = _latest_version(obj) or _keep_first_version(obj)
        return f"{version.pk if version else 0}:{review.fingerprint(obj)}"

    class EditGuard(form_class):
        edit_token = EditTokenField(widget=forms.HiddenInput, required=False, initial=token_now)
        changed_meanwhile: tuple | list = ()

        def clean(self):
            cleaned = super().clean()
            sent = cleaned.get(TOKEN_FIELD) or ""
            current = token_now()
            if sent and sent.partition(":")[2] != current.partition(":")[2]:
                self.changed_meanwhile = meanwhile(obj, sent)
                # The next save starts from today's version: merged by the editor, it may go in.
                self.data = self.data.copy()
                self.data[self.add_prefix(TOKEN_FIELD)] = current
                who = _who_and_when(_latest_version(obj))
                raise ValidationError(
                    f"Someone else saved this after you opened it{who}. "
                    "Nothing of yours was saved: your version is still in the form below. Check "
                    "what changed meanwhile (listed below), merge it into yours and save again.",
                    code="stale",
                )
            return cleaned

    return EditGuard


def guard_list_form(form_class: type[forms.ModelForm], names) -> type[forms.ModelForm]:
    """Return a list's row form refusing to overwrite a value changed since it was shown."""

    class ListGuard(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for name in names:
                if name in self.fields:
                    # Rendered as a hidden "initial-" input: the value the editor saw.
                    self.fields[name].show_hidden_initial = True

        def clean(self):
            cleaned = super().clean()
            for name in names:
                field = self.fields.get(name)
                if field is None or self.instance.pk is None or name not in cleaned:
                    continue
                raw = field.hidden_widget().value_from_datadict(
                    self.data, self.files, self.add_initial_prefix(name)
                )
                if raw is None:
                    continue
                try:
                    shown = field.to_python(raw)
                except ValidationError:
                    continue
                now = getattr(self.instance, name)
                if shown != now and cleaned[name] != shown and cleaned[name] != now:
                    self.add_error(
                        name,
                        f"Someone else changed this to {now} after you opened the list; "
                        "nothing was saved. Reload the list and try again.",
                    )
            return cleaned

    return ListGuard

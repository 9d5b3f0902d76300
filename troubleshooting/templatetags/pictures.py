"""Drawings of what people see on their iPhone, chosen for a symptom, a triage choice or a step.

The content has no field naming its picture yet, so the choice is made here from slugs and labels
editors already keep stable; an unknown slug or label simply gets no picture.
"""

from dataclasses import dataclass

from django import template
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override, pgettext, pgettext_lazy

from ..blocks import Blocks
from ..translating import source_slug

register = template.Library()

# Words on the iPhone's own screens carry the context "iPhone screen": translators write them
# as each language's iPhone shows them.


@dataclass(frozen=True)
class MessageState:
    """How a sent message looks in Messages: the bubble's colour and the small text under it."""

    key: str
    status: str | Promise
    description: str | Promise
    green: bool = False
    failed: bool = False


MESSAGE_STATES = {
    state.key: state
    for state in [
        MessageState(
            "sending",
            pgettext_lazy("iPhone screen", "Sending…"),
            gettext_lazy("A blue message bubble with “Sending…” under it, in grey."),
        ),
        MessageState(
            "not-delivered",
            pgettext_lazy("iPhone screen", "Not Delivered"),
            gettext_lazy(
                "A blue message bubble with a red exclamation mark beside it "
                "and “Not Delivered” under it, in red."
            ),
            failed=True,
        ),
        MessageState(
            "delivered",
            pgettext_lazy("iPhone screen", "Delivered"),
            gettext_lazy("A blue message bubble with “Delivered” under it, in grey."),
        ),
        MessageState(
            "read",
            pgettext_lazy("iPhone screen", "Read 10:42"),
            gettext_lazy("A blue message bubble with “Read 10:42” under it, in grey."),
        ),
        MessageState(
            "green",
            pgettext_lazy("iPhone screen", "Sent as Text Message"),
            gettext_lazy("A green message bubble with “Sent as Text Message” under it, in grey."),
            green=True,
        ),
        MessageState(
            "nothing", "", gettext_lazy("A blue message bubble with nothing written under it.")
        ),
    ]
}

SYMPTOM_STATES = {
    "stuck-on-sending": "sending",
    "not-delivered": "not-delivered",
    "only-one-contact": "not-delivered",
    "delivered-not-received": "delivered",
    "delivered-no-reply": "read",
    "sent-as-text-message": "green",
    "no-delivered-status": "nothing",
}

# A triage choice is matched by the words it quotes from the screen, not by where it leads.
CHOICE_STATES = {
    "sending…": "sending",
    "sending...": "sending",
    "not delivered": "not-delivered",
    "delivered": "delivered",
    "read": "read",
    "sent as text message": "green",
    "nothing under it": "nothing",
}

# The switch a step has people change, named as on the screen. When it is the Settings path's last
# part, it is drawn as that row's switch rather than as one more row to tap.
SWITCHES = {
    "turn-imessage-off-and-on": pgettext_lazy("iPhone screen", "iMessage"),
    "turn-on-send-as-sms": pgettext_lazy("iPhone screen", "Send as SMS"),
    "check-read-receipts": pgettext_lazy("iPhone screen", "Send Read Receipts"),
    "toggle-airplane-mode": pgettext_lazy("iPhone screen", "Airplane Mode"),
    "set-date-time-automatically": pgettext_lazy("iPhone screen", "Set Automatically"),
    "check-data-roaming": pgettext_lazy("iPhone screen", "Data Roaming"),
    "check-wifi-and-mobile-data": pgettext_lazy("iPhone screen", "Wi-Fi"),
    "check-data-allowance": pgettext_lazy("iPhone screen", "Cellular Data"),
}


@dataclass(frozen=True)
class Buttons:
    """The screen of a risky step: the button to tap and, close to it, the one not to tap."""

    screen: str | Promise
    tap: str | Promise
    avoid: str | Promise = ""
    others: tuple[str | Promise, ...] = ()


BUTTONS = {
    "reset-all-settings": Buttons(
        pgettext_lazy("iPhone screen", "Reset"),
        pgettext_lazy("iPhone screen", "Reset All Settings"),
        pgettext_lazy("iPhone screen", "Erase All Content and Settings"),
        (
            pgettext_lazy("iPhone screen", "Reset Network Settings"),
            pgettext_lazy("iPhone screen", "Reset Keyboard Dictionary"),
        ),
    ),
    "delete-stuck-messages": Buttons(
        pgettext_lazy("iPhone screen", "Selecting messages"),
        pgettext_lazy("iPhone screen", "Trash"),
        pgettext_lazy("iPhone screen", "Delete All"),
    ),
    "delete-whole-conversation": Buttons(
        pgettext_lazy("iPhone screen", "Messages"), pgettext_lazy("iPhone screen", "Delete")
    ),
}


def _names(label) -> set[str]:
    """Return a screen label as written in English and in the language shown, for matching."""
    with override(None):  # no language active: the text as written in the code
        english = str(label)
    return {english.lower(), str(label).lower()}


def _last_is(rows: list[str], label) -> bool:
    """Say whether the Settings path ends on ``label``, in whichever language it is written."""
    return bool(label) and bool(rows) and rows[-1].lower() in _names(label)


MESSAGE_PICTURE = "troubleshooting/pictures/message.html"


@register.simple_tag
def message_picture(state_key: str, *, decorative: bool = False) -> SafeString:
    """Draw a sent message in the given state; decorative where the words beside it say it all.

    A handful of drawings, the same on every article and question in a language: each is kept
    rendered for its state (``blocks.py``), where the template cost a twentieth of an article.
    """
    return Blocks(keep=True).render(
        MESSAGE_PICTURE, (state_key, decorative), _message_context, strip=False
    )


def _message_context(values: tuple) -> dict:
    state_key, decorative = values
    return {"state": MESSAGE_STATES.get(state_key), "decorative": decorative}


@register.filter
def symptom_state(symptom) -> str:
    """Name the message state a symptom is about, or an empty string."""
    return SYMPTOM_STATES.get(source_slug(symptom), "")


@register.filter
def choice_state(choice) -> str:
    """Name the message state a triage choice quotes, or an empty string."""
    return CHOICE_STATES.get(getattr(choice, "label", "").strip().lower(), "")


@register.inclusion_tag("troubleshooting/pictures/settings_path.html")
def settings_picture(step) -> dict:
    """Draw a step's Settings path as the rows people tap, ending with the switch to change."""
    rows = list(step.settings_path_parts)
    buttons = BUTTONS.get(source_slug(step))
    if buttons and _last_is(rows, buttons.tap):
        rows = rows[:-1]  # that last screen is the buttons picture
    switch = SWITCHES.get(source_slug(step), "")
    if _last_is(rows, switch):
        rows = rows[:-1]
    settings = pgettext("the iPhone app", "Settings")
    if rows and rows[0].lower() in {"settings", settings.lower()}:
        rows = rows[1:]
    # Said in words, not with a separator character: the instructions already quote the path
    # with theirs, and a screen reader reads "›" or ">" aloud.
    trail = pgettext("a Settings path said in words", ", then ").join([settings, *rows])
    if switch:
        description = _("Tap through: %(trail)s, then the %(switch)s switch, turned on.") % {
            "trail": trail,
            "switch": switch,
        }
    else:
        description = _("Tap through: %(trail)s.") % {"trail": trail}
    return {
        "rows": rows,
        "switch": switch,
        "description": description,
        "show": bool(rows or switch),
    }


@register.inclusion_tag("troubleshooting/pictures/buttons.html")
def buttons_picture(step) -> dict:
    """Draw the button a risky step has people tap, beside the one they must not tap."""
    buttons = BUTTONS.get(source_slug(step))
    if not buttons:
        return {"buttons": None}
    names = {"screen": buttons.screen, "tap": buttons.tap, "avoid": buttons.avoid}
    if buttons.avoid:
        description = (
            _("On the %(screen)s screen, tap “%(tap)s”. Don't tap “%(avoid)s”, close to it.")
            % names
        )
    else:
        description = _("On the %(screen)s screen, tap “%(tap)s”.") % names
    return {"buttons": buttons, "description": description}

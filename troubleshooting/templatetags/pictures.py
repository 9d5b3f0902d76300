"""Drawings of what people see on their iPhone, chosen for a symptom, a triage choice or a step.

The content has no field naming its picture yet, so the choice is made here from slugs and labels
editors already keep stable; an unknown slug or label simply gets no picture.
"""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class MessageState:
    """How a sent message looks in Messages: the bubble's colour and the small text under it."""

    key: str
    status: str
    description: str
    green: bool = False
    failed: bool = False


MESSAGE_STATES = {
    state.key: state
    for state in [
        MessageState(
            "sending", "Sending…", "A blue message bubble with “Sending…” under it, in grey."
        ),
        MessageState(
            "not-delivered",
            "Not Delivered",
            "A blue message bubble with a red exclamation mark beside it "
            "and “Not Delivered” under it, in red.",
            failed=True,
        ),
        MessageState(
            "delivered", "Delivered", "A blue message bubble with “Delivered” under it, in grey."
        ),
        MessageState(
            "read", "Read 10:42", "A blue message bubble with “Read 10:42” under it, in grey."
        ),
        MessageState(
            "green",
            "Sent as Text Message",
            "A green message bubble with “Sent as Text Message” under it, in grey.",
            green=True,
        ),
        MessageState("nothing", "", "A blue message bubble with nothing written under it."),
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
    "turn-imessage-off-and-on": "iMessage",
    "turn-on-send-as-sms": "Send as SMS",
    "check-read-receipts": "Send Read Receipts",
    "toggle-airplane-mode": "Airplane Mode",
    "set-date-time-automatically": "Set Automatically",
    "check-data-roaming": "Data Roaming",
    "check-wifi-and-mobile-data": "Wi-Fi",
    "check-data-allowance": "Cellular Data",
}


@dataclass(frozen=True)
class Buttons:
    """The screen of a risky step: the button to tap and, close to it, the one not to tap."""

    screen: str
    tap: str
    avoid: str = ""
    others: tuple[str, ...] = ()


BUTTONS = {
    "reset-all-settings": Buttons(
        "Reset",
        "Reset All Settings",
        "Erase All Content and Settings",
        ("Reset Network Settings", "Reset Keyboard Dictionary"),
    ),
    "delete-stuck-messages": Buttons("Selecting messages", "Trash", "Delete All"),
    "delete-whole-conversation": Buttons("Messages", "Delete"),
}


@register.inclusion_tag("troubleshooting/pictures/message.html")
def message_picture(state_key: str, *, decorative: bool = False) -> dict:
    """Draw a sent message in the given state; decorative where the words beside it say it all."""
    return {"state": MESSAGE_STATES.get(state_key), "decorative": decorative}


@register.filter
def symptom_state(symptom) -> str:
    """Name the message state a symptom is about, or an empty string."""
    return SYMPTOM_STATES.get(getattr(symptom, "slug", ""), "")


@register.filter
def choice_state(choice) -> str:
    """Name the message state a triage choice quotes, or an empty string."""
    return CHOICE_STATES.get(getattr(choice, "label", "").strip().lower(), "")


@register.inclusion_tag("troubleshooting/pictures/settings_path.html")
def settings_picture(step) -> dict:
    """Draw a step's Settings path as the rows people tap, ending with the switch to change."""
    rows = list(step.settings_path_parts)
    buttons = BUTTONS.get(step.slug)
    if buttons and rows and rows[-1] == buttons.tap:
        rows = rows[:-1]  # that last screen is the buttons picture
    switch = SWITCHES.get(step.slug, "")
    if switch and rows and rows[-1] == switch:
        rows = rows[:-1]
    if rows and rows[0].lower() == "settings":
        rows = rows[1:]
    # Said in words, not with a separator character: the instructions already quote the path
    # with theirs, and a screen reader reads "›" or ">" aloud.
    trail = ", then ".join(["Settings", *rows])
    description = f"{trail}, then the {switch} switch, turned on" if switch else trail
    return {
        "rows": rows,
        "switch": switch,
        "description": f"Tap through: {description}.",
        "show": bool(rows or switch),
    }


@register.inclusion_tag("troubleshooting/pictures/buttons.html")
def buttons_picture(step) -> dict:
    """Draw the button a risky step has people tap, beside the one they must not tap."""
    buttons = BUTTONS.get(step.slug)
    if not buttons:
        return {"buttons": None}
    description = f"On the {buttons.screen} screen, tap “{buttons.tap}”"
    if buttons.avoid:
        description += f". Don't tap “{buttons.avoid}”, close to it"
    return {"buttons": buttons, "description": description + "."}

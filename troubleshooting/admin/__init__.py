"""The editors' admin: content, publishing, history, outcome dashboards and the content check."""

from . import content  # noqa: F401 (registers the ModelAdmins)

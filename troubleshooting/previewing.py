"""Editors' preview of drafts and scheduled content on the public pages."""

from django.conf import settings

PREVIEW_SESSION_KEY = "troubleshooting_preview"


def previewing(request) -> bool:
    """Whether an editor asked to see drafts and scheduled content on the public pages.

    Only a request with a session cookie can be previewing: the public's requests never touch
    the session, so their pages stay free of ``Vary: Cookie`` and cacheable.
    """
    if not hasattr(request, "_previewing"):
        request._previewing = (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and can_preview(request.user)
            and bool(request.session.get(PREVIEW_SESSION_KEY))
        )
    return request._previewing


def can_preview(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("troubleshooting.view_symptom")

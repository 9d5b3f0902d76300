"""The editors' roles: what the "Editors" and "Publishers" groups may do in the admin.

Editors write and arrange content: they add and change everything, and edit the ordered lists
inside a symptom or question, but they delete no content (unpublishing hides it, and keeps its
history and outcomes). Publishers may publish, schedule and delete. Unless the site requires
review (``CONTENT_REQUIRE_REVIEW``), editors may publish too: the change permission suffices.
"""

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

EDITORS = "Editors"
PUBLISHERS = "Publishers"

CONTENT_MODELS = [
    "topic",
    "symptom",
    "cause",
    "fixstep",
    "triagequestion",
    "knownissue",
    # Translations are content too: translators write them, publishers put a language live.
    "topictranslation",
    "symptomtranslation",
    "causetranslation",
    "fixsteptranslation",
    "triagequestiontranslation",
    "knownissuetranslation",
]
LIST_MODELS = ["symptomstep", "symptomcause", "triagechoice", "knownissueupdate"]

PERMISSIONS = {
    EDITORS: [
        f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "view")
    ]
    + [
        f"{action}_{model}"
        for model in LIST_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    + ["view_slugredirect", "view_searchmiss"],
    PUBLISHERS: [f"publish_{model}" for model in CONTENT_MODELS]
    + [f"delete_{model}" for model in CONTENT_MODELS],
}


def create_missing_groups(*, using, apps=global_apps, **kwargs) -> None:
    """After migrate or flush, create a role's group if it is missing; never change one that exists.

    The migrations create the groups, but ``flush`` (a test's transactional tear-down, or an
    operator starting afresh) empties them while Django's own permissions come back: without
    this, editors would have a group-less, powerless admin. A group that exists keeps whatever
    permissions its site gave it.
    """
    group_model = apps.get_model("auth", "Group")
    if group_model.objects.using(using).filter(name__in=PERMISSIONS).count() == len(PERMISSIONS):
        return
    with transaction.atomic(using=using):
        for name, codenames in PERMISSIONS.items():
            group, created = group_model.objects.using(using).get_or_create(name=name)
            if created:
                group.permissions.set(
                    apps.get_model("auth", "Permission")
                    .objects.using(using)
                    .filter(content_type__app_label="troubleshooting", codename__in=codenames)
                )


def create_editor(*, username: str, email: str, password: str, publisher: bool = False):
    """Create a staff account in "Editors" (and "Publishers"); it can sign in to the admin."""
    user_model = get_user_model()
    user = user_model(username=username, email=email, is_staff=True)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    names = [EDITORS, PUBLISHERS] if publisher else [EDITORS]
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=names))
    return user

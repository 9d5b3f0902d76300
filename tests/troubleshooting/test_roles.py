"""The editors' groups come back after a flush, and a site's own changes to them are kept."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal

from troubleshooting import roles

pytestmark = pytest.mark.django_db


def codenames(name: str) -> set[str]:
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_missing_groups_come_back_with_their_permissions_after_migrate():
    Group.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    for name, expected in roles.PERMISSIONS.items():
        assert codenames(name) == set(expected), name


def test_a_group_the_site_changed_is_left_as_it_is():
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.add(Permission.objects.get(codename="delete_symptom"))
    call_command("migrate", verbosity=0)
    assert "delete_symptom" in codenames(roles.EDITORS)
    assert codenames(roles.PUBLISHERS) == set(roles.PERMISSIONS[roles.PUBLISHERS])


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_still_has_the_editors_groups():
    call_command("flush", interactive=False, verbosity=0)
    assert codenames(roles.EDITORS) == set(roles.PERMISSIONS[roles.EDITORS])

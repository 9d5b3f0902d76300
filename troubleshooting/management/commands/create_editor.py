import getpass
import os
import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from troubleshooting import roles

PASSWORD_ENV = "DJANGO_EDITOR_PASSWORD"  # noqa: S105 (the name of a variable)


class Command(BaseCommand):
    help = (
        'Create an admin account for an editor, in the "Editors" group (add --publisher for '
        '"Publishers" too). Asks for the password, or with --no-input takes it from '
        f"{PASSWORD_ENV} or makes up a strong one and prints it once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")
        parser.add_argument(
            "--publisher", action="store_true", help="May also publish, schedule and delete."
        )
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Ask nothing."
        )

    def handle(self, *args, username, email, publisher, interactive, **options):
        made_up = False
        if interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        else:
            password = os.environ.get(PASSWORD_ENV, "")
            if not password:
                password, made_up = secrets.token_urlsafe(18), True
        try:
            user = roles.create_editor(
                username=username, email=email, password=password, publisher=publisher
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        groups = " and ".join(user.groups.order_by("name").values_list("name", flat=True))
        self.stdout.write(f"Created {user.username}, in {groups}. They sign in at /admin/.")
        if made_up:
            self.stdout.write(f"Their password (shown once, pass it on safely): {password}")

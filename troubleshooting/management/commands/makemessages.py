"""Django's makemessages, with the folders that hold no interface text left out by default.

Subclassing the command is how Django's documentation says to change its defaults.
"""

from django.core.management.commands import makemessages

# Dependencies, tests, benches and build output: their strings are never shown to a visitor.
NOT_INTERFACE = ["node_modules", "tests", "bench", "staticfiles", "test-results", "htmlcov"]


class Command(makemessages.Command):
    # One line per location, not per reference: catalogues change less when code moves.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--add-location=file"]
    xgettext_options = [*makemessages.Command.xgettext_options, "--add-location=file"]

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *NOT_INTERFACE]
        options.setdefault("no_obsolete", True)
        return super().handle(*args, **options)

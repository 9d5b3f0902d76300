from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from troubleshooting.models import Topic

DEMO_FIXTURE = settings.BASE_DIR / "fixtures" / "imessage.json"


class Command(BaseCommand):
    help = (
        "Load the demo content (the iMessage guide) into an empty database. Does nothing if there "
        "is content already, so editors' changes are never overwritten; --force reloads it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if there is content: demo items are overwritten by their slugs.",
        )

    def handle(self, *args, force=False, **options):
        verbosity = options["verbosity"]
        if Topic.objects.exists() and not force:
            if verbosity:
                self.stdout.write("Content already present: demo content not loaded (use --force).")
            return
        call_command("loaddata", str(DEMO_FIXTURE), verbosity=verbosity)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))

import json

import reversion
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from troubleshooting.models import SymptomCause, SymptomStep, Topic, TriageChoice

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
            help="Load even if there is content: demo items are overwritten by their slugs, and "
            "the demo symptoms' step lists and the demo questions' answers are replaced.",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        verbosity = options["verbosity"]
        if Topic.objects.exists() and not force:
            if verbosity:
                self.stdout.write("Content already present: demo content not loaded (use --force).")
            return
        if force:
            self.clear_demo_lists()
        # The first version in every item's history, so an editor's first change can be undone.
        with reversion.create_revision():
            reversion.set_comment("Demo content loaded.")
            call_command("loaddata", str(DEMO_FIXTURE), verbosity=verbosity)
        # loaddata saves rows raw, so their pre-rendered pieces are made here.
        call_command("render_content", pieces_only=True, verbosity=0, stdout=self.stdout)
        if verbosity:
            self.stdout.write(self.style.SUCCESS("Demo content loaded."))

    def clear_demo_lists(self) -> None:
        """Drop the ordered rows the fixture brings back, so reordered rows cannot clash with it."""
        data = json.loads(DEMO_FIXTURE.read_text())
        slugs = {
            model: {obj["fields"]["slug"] for obj in data if obj["model"] == model}
            for model in ("troubleshooting.symptom", "troubleshooting.triagequestion")
        }
        symptoms = slugs["troubleshooting.symptom"]
        SymptomStep.objects.filter(symptom__slug__in=symptoms).delete()
        SymptomCause.objects.filter(symptom__slug__in=symptoms).delete()
        TriageChoice.objects.filter(
            question__slug__in=slugs["troubleshooting.triagequestion"]
        ).delete()

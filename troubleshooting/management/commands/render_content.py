from django.core.management.base import BaseCommand
from django.db import transaction

from troubleshooting import caching, pieces
from troubleshooting.models import (
    Cause,
    CauseTranslation,
    FixStep,
    FixStepTranslation,
    Symptom,
    Topic,
    TriageQuestion,
    topic_counts,
)

# Rows with pre-rendered pieces, English items first: their translations' pieces show them too.
WITH_PIECES = (Cause, FixStep, CauseTranslation, FixStepTranslation)


class Command(BaseCommand):
    help = (
        "Render the Markdown of all content again and store the sanitized HTML, e.g. after the "
        "allowed HTML changed, or before regenerating the demo fixture; then render again the "
        "steps' and causes' pre-rendered pieces, as every deploy must (after collectstatic)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--pieces-only",
            action="store_true",
            help="Only render the pieces (what a deploy or a fixture just loaded needs).",
        )

    @transaction.atomic
    def handle(self, *args, pieces_only=False, **options):
        total = rows = 0
        for model in () if pieces_only else (Topic, Cause, FixStep, Symptom, TriageQuestion):
            fields = [target for _, target in model.markdown_fields]
            objects = list(model.objects.all())
            if model in WITH_PIECES:
                # render_markdown() renders an item's pieces with its Markdown: keep them too.
                fields.append("pieces")
                rows += len(objects)
            for obj in objects:
                obj.render_markdown()
            model.objects.bulk_update(objects, fields, batch_size=200)
            total += len(objects)
        # What the loop above did not render: every piece, or the translations' (after their
        # English items were saved, whose fields their pieces show too).
        rest = WITH_PIECES if pieces_only else (CauseTranslation, FixStepTranslation)
        rows += pieces.render_all(rest)
        # The pieces' writes alone retire nothing (``publishing.DERIVED_FIELDS``). The home
        # page's listings are stored again once this commits (``content_changed`` asks).
        caching.content_changed()
        # The safety net of the topics' stored numbers, run on every deploy (topic_counts.py).
        recounted = topic_counts.recount_all()
        if not pieces_only:
            self.stdout.write(self.style.SUCCESS(f"Rendered the Markdown of {total} items."))
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS(f"Rendered the pieces of {rows} items."))
        if recounted and options["verbosity"]:
            wrong = "Topics whose stored number of published symptoms was wrong, counted again"
            self.stdout.write(self.style.WARNING(f"{wrong}: {recounted}."))

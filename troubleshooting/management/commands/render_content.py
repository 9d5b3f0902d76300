from django.core.management.base import BaseCommand
from django.db import transaction

from troubleshooting import caching
from troubleshooting.models import Cause, FixStep, Symptom, Topic, TriageQuestion


class Command(BaseCommand):
    help = (
        "Render the Markdown of all content again and store the sanitized HTML, e.g. after the "
        "allowed HTML changed, or before regenerating the demo fixture."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        total = 0
        for model in (Topic, Cause, FixStep, Symptom, TriageQuestion):
            fields = [target for _, target in model.markdown_fields]
            objects = list(model.objects.all())
            for obj in objects:
                obj.render_markdown()
            model.objects.bulk_update(objects, fields, batch_size=200)
            total += len(objects)
        caching.content_changed()  # bulk_update() sends no signal
        self.stdout.write(self.style.SUCCESS(f"Rendered the Markdown of {total} items."))

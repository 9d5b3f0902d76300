from django.core.management.base import BaseCommand

from troubleshooting import review


class Command(BaseCommand):
    help = (
        "Apply the changes publishers approved for a time that has come. Pages do this on their "
        "own when they check the content version; this is for a quiet site or a script."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Applied {review.apply_due()} approved change(s).")

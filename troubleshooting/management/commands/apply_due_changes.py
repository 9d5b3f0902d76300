from django.core.management.base import BaseCommand

from troubleshooting import listings, review


class Command(BaseCommand):
    help = (
        "Apply the changes publishers approved for a time that has come. Pages do this on their "
        "own when they check the content version; this is for a quiet site or a script. Then "
        "store again the home page's listings that a scheduled publication made stale."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Applied {review.apply_due()} approved change(s).")
        # A stored listing whose scheduled row's time came is read live until made again.
        if listings.relist_if_stale():
            self.stdout.write("Stored the home page's listings again.")

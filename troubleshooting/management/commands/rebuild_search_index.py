from django.core.management.base import BaseCommand

from troubleshooting import caching, search


class Command(BaseCommand):
    help = "Index all published content for search from scratch (saves keep it up to date)."

    def handle(self, *args, **options):
        count = search.rebuild()
        caching.content_changed()  # cached search pages show the old index
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} documents for search."))

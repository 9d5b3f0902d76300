from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from troubleshooting.guide_files import GuideFileError, guide_import


class Command(BaseCommand):
    help = (
        "Read a guide folder written by export_guide (or by hand) and create or update every "
        "item by its slug, with the admin's validation. Lists (a symptom's steps and causes, a "
        "step's causes, a question's answers) become exactly what the files say. All or nothing: "
        "if one file has a problem, the error names it and nothing is saved. Items without a "
        "file are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The guide folder, e.g. content.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every file and report what would change, then save nothing.",
        )
        parser.add_argument(
            "--timestamp",
            help="Record this ISO date and time (e.g. 2026-11-23T00:00:00Z) as when new and "
            "changed items were created and updated, instead of now. make fixture uses it so the "
            "demo fixture does not change with the clock.",
        )

    def handle(self, *args, directory, dry_run, timestamp, **options):
        when = None
        if timestamp:
            try:
                when = parse_datetime(timestamp)
            except ValueError:
                when = None
            if when is None:
                raise CommandError(f"--timestamp {timestamp}: use e.g. 2026-11-23T00:00:00Z.")
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        try:
            report = guide_import(directory=directory, dry_run=dry_run, timestamp=when)
        except GuideFileError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        if options["verbosity"] > 1:
            for path in report.created:
                self.stdout.write(f"New: {path}")
            for path in report.changed:
                self.stdout.write(f"Changed: {path}")
        if report.not_in_files:
            self.stdout.write(
                "In the database but not in the files, so left as they are: "
                + ", ".join(report.not_in_files)
                + "."
            )
        summary = (
            f"Read {report.files} files from {directory}: {len(report.created)} new, "
            f"{len(report.changed)} changed, {report.unchanged} unchanged."
        )
        if dry_run:
            self.stdout.write(f"{summary} Dry run: nothing was saved.")
        else:
            self.stdout.write(self.style.SUCCESS(summary))

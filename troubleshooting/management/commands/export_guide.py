from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from troubleshooting.guide_files import GuideFileError, guide_export


class Command(BaseCommand):
    help = (
        "Write the whole guide (topics, symptoms, triage questions, fix steps, causes) to a "
        "folder as Markdown files with front matter, one file per item, to edit and review in "
        "Git. Files that would not change are left alone; files of items that no longer exist "
        "are removed. Read them back with import_guide."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="The folder to write, e.g. content.")

    def handle(self, *args, directory, **options):
        try:
            report = guide_export(directory=directory)
        except GuideFileError as error:
            raise CommandError(f"Nothing was exported. {error}") from None
        if options["verbosity"] > 1:
            for path in report.written:
                self.stdout.write(f"Wrote {path}")
            for path in report.removed:
                self.stdout.write(f"Removed {path}")
        total = len(report.written) + report.unchanged
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {total} files to {directory}: {len(report.written)} written, "
                f"{report.unchanged} unchanged, {len(report.removed)} removed (their items no "
                "longer exist)."
            )
        )

import textwrap

from django.core.management.base import BaseCommand, CommandError

from troubleshooting import content_checks as checks
from troubleshooting.admin.content_check import change_url

LABELS = {checks.Level.ERROR: "Error", checks.Level.WARNING: "Warning"}


class Command(BaseCommand):
    help = (
        "Check the published content for mistakes people would run into: triage questions that "
        "loop or lead nowhere, symptoms without steps, unsafe step order, broken links. Exits "
        "with status 1 if there are errors (with --strict, warnings too)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--strict", action="store_true", help="Fail on warnings too, not only on errors."
        )

    def handle(self, *args, strict=False, **options):
        problems = checks.check_content()
        style = {checks.Level.ERROR: self.style.ERROR, checks.Level.WARNING: self.style.WARNING}
        for ref, group in checks.group_by_object(problems):
            url = change_url(ref)
            self.stdout.write(self.style.MIGRATE_HEADING(f"{ref}{f' ({url})' if url else ''}"))
            for problem in group:
                label = f"{LABELS[problem.severity]}:"
                text = textwrap.fill(
                    f"{label} {problem.message}",
                    width=100,
                    initial_indent="  ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                    break_long_words=False,
                )
                self.stdout.write(text.replace(label, style[problem.severity](label), 1))
        errors, warnings = checks.count(problems)
        found = f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning"
        found += "s" if warnings != 1 else ""
        if errors or (strict and warnings):
            raise CommandError(f"Content check failed: {found}.", returncode=1)
        if warnings:
            self.stdout.write(self.style.SUCCESS(f"Content check passed with {found}."))
        else:
            self.stdout.write(self.style.SUCCESS("Content check passed: no problems found."))

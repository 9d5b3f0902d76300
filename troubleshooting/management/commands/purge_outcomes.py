from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from troubleshooting.outcomes import recording


class Command(BaseCommand):
    help = (
        "Add anonymous outcome records (guided sessions, answers, votes) older than the "
        "retention period up into daily counts, then delete them. Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.OUTCOMES_RETENTION_DAYS,
            help="Keep raw records of this many days (default: OUTCOMES_RETENTION_DAYS, "
            f"now {settings.OUTCOMES_RETENTION_DAYS}).",
        )

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        purged = recording.purge(days=days)
        self.stdout.write(
            f"Kept {days} days of raw records. Added up and deleted {purged.sessions} "
            f"session(s), {purged.answers} answer(s) and {purged.votes} vote(s)."
        )

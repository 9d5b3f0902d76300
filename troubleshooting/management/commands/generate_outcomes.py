import random
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.models import (
    ArticleVote,
    CantDoReason,
    FeedbackReason,
    FlowSession,
    Outcome,
    Result,
    Severity,
    StepAnswer,
    Symptom,
    SymptomStep,
)
from troubleshooting.outcomes import languages, recording

# How likely a step of each severity is to fix the problem, and to be skipped.
FIX_CHANCE = {
    Severity.QUICK: (0.08, 0.35),
    Severity.MODERATE: (0.15, 0.45),
    Severity.DISRUPTIVE: (0.2, 0.5),
    Severity.DESTRUCTIVE: (0.4, 0.7),
}
SKIP_CHANCE = {
    Severity.QUICK: 0.04,
    Severity.MODERATE: 0.08,
    Severity.DISRUPTIVE: 0.12,
    Severity.DESTRUCTIVE: 0.35,
}
CANT_DO_CHANCE = 0.05
LEAVE_CHANCE = 0.06
# Most visitors read the English source; the rest the translations (a language the site does
# not list is left out).
LANGUAGE_WEIGHTS = {"en": 70, "es": 20, "fr": 10}
NOTES = {
    "en": [
        "I don't have a Mac to check this on",
        "My settings screen looks different",
        "Not sure which Apple ID I used",
        "The option is greyed out",
        "",
        "",
    ],
    "es": ["No encuentro esa opción en Ajustes", "No sé qué Apple ID usé", "", ""],
    "fr": ["Je ne trouve pas cette option dans Réglages", "L'option est grisée", "", ""],
}
COMMENTS = {
    "en": [
        "Step 3 fixed it, thanks!",
        "Too many steps before the one that worked",
        "My iPhone doesn't have this option",
        "Clear and quick",
        "",
        "",
        "",
    ],
    "es": ["¡El paso 2 lo arregló, gracias!", "Demasiados pasos", "", ""],
    "fr": ["Merci, l'étape 2 a marché !", "Trop d'étapes avant la bonne", "", ""],
}


def language_mix() -> tuple[list[str], list[int]]:
    """Return the site's languages and how often each is picked: mostly the source language."""
    codes = [code for code in LANGUAGE_WEIGHTS if code in languages.codes()]
    codes = codes or [SOURCE_BASE_CODE]
    return codes, [LANGUAGE_WEIGHTS.get(code, 1) for code in codes]


class Command(BaseCommand):
    help = (
        "Fill a development database with realistic, synthetic outcomes (guided sessions, "
        "answers, article votes) so the admin dashboards have something to show."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=1500, help="Guided sessions.")
        parser.add_argument("--votes", type=int, default=400, help="Article votes.")
        parser.add_argument("--days", type=int, default=120, help="Spread over this many days.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (never on a live site: it adds fake outcomes).",
        )

    def handle(self, *args, sessions, votes, days, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "This adds fake outcomes. It runs with DJANGO_DEBUG=1, or with --force."
            )
        if min(sessions, votes) < 0 or days < 1:
            raise CommandError("--sessions and --votes must be 0 or more, --days at least 1.")
        symptoms = list(Symptom.objects.visible())
        links = {symptom.pk: [] for symptom in symptoms}
        for link in SymptomStep.objects.filter(symptom__in=symptoms).select_related("step"):
            links[link.symptom_id].append(link)
        guided = [s for s in symptoms if links[s.pk]]
        if not guided:
            raise CommandError("There are no published symptoms with steps. Load content first.")
        rng = random.Random(seed)  # noqa: S311 (repeatable fake data, not secrets)
        now = timezone.now()
        fix_chance = {
            link.step_id: rng.uniform(*FIX_CHANCE[link.step.severity])
            for steps in links.values()
            for link in steps
        }
        codes, weights = language_mix()
        with transaction.atomic():
            for _ in range(sessions):
                symptom = rng.choice(guided)
                steps = sorted(links[symptom.pk], key=lambda link: link.position)
                started = now - timedelta(seconds=rng.uniform(0, days * 86400))
                language = rng.choices(codes, weights)[0]
                self._session(rng, symptom, steps, started, fix_chance, language)
            for _ in range(votes):
                when = now - timedelta(seconds=rng.uniform(0, days * 86400))
                self._vote(rng, rng.choice(symptoms), when, rng.choices(codes, weights)[0])
        purged = recording.purge()
        self.stdout.write(
            f"Added {sessions} guided sessions and {votes} votes over {days} days. "
            f"{purged.sessions} sessions older than {settings.OUTCOMES_RETENTION_DAYS} days "
            "were added up into daily counts, as the retention setting does."
        )

    def _vote(self, rng, symptom, when, language):
        helpful = rng.random() < 0.7
        ArticleVote.objects.create(
            symptom=symptom,
            voter=recording.new_key(),
            helpful=helpful,
            reason="" if helpful else rng.choice(FeedbackReason.values),
            comment=rng.choice(COMMENTS.get(language, [""])),
            version=rng.choice(["0a1b2c3d", "4e5f6a7b"]),
            language=language,
            created_at=when,
            updated_at=when,
        )

    def _session(self, rng, symptom, steps, started, fix_chance, language):
        when = started
        session = FlowSession.objects.create(
            key=recording.new_key(),
            symptom=symptom,
            started_at=started,
            last_active_at=started,
            language=language,
        )
        outcome, resolved_number = Outcome.OPEN, None
        for number, link in enumerate(steps, start=1):
            if rng.random() < LEAVE_CHANCE:
                break
            when += timedelta(minutes=rng.uniform(0.5, 2) * max(link.step.minutes, 1))
            reason, note = "", ""
            if rng.random() < SKIP_CHANCE[link.step.severity]:
                result = Result.SKIPPED
            elif rng.random() < CANT_DO_CHANCE:
                result = Result.CANT_DO
                reason, note = (
                    rng.choice(CantDoReason.values),
                    rng.choice(NOTES.get(language, [""])),
                )
            elif rng.random() < fix_chance[link.step_id]:
                result = Result.FIXED
            else:
                result = Result.NOT_FIXED
            StepAnswer.objects.create(
                session=session,
                number=number,
                step=link.step,
                result=result,
                reason=reason,
                note=note,
                answered_at=when,
            )
            if result == Result.FIXED:
                outcome, resolved_number = Outcome.RESOLVED, number
                break
            if number == len(steps):
                outcome = Outcome.ENDED
        FlowSession.objects.filter(pk=session.pk).update(
            outcome=outcome, resolved_number=resolved_number, last_active_at=when
        )

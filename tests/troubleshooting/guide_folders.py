"""Helpers for tests of the guide files: run the commands, read folders, compare content."""

import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from troubleshooting.models import (
    TRANSLATION_MODELS,
    Cause,
    FixStep,
    SearchSynonym,
    Symptom,
    SymptomCause,
    SymptomStep,
    Topic,
    TriageChoice,
    TriageQuestion,
)

CONTENT_DIR = settings.BASE_DIR / "content"
CONTENT_MODELS = (
    Topic,
    Cause,
    FixStep,
    Symptom,
    SymptomCause,
    SymptomStep,
    TriageQuestion,
    TriageChoice,
    SearchSynonym,
    *TRANSLATION_MODELS.values(),
)


def natural_key(model: str, fields: dict) -> tuple:
    if model == "troubleshooting.symptomcause":
        return model, fields["symptom"][0], fields["cause"][0]
    if model == "troubleshooting.symptomstep":
        return model, fields["symptom"][0], fields["step"][0]
    if model == "troubleshooting.triagechoice":
        return model, fields["question"][0], fields["position"]
    if model.endswith("translation"):
        return model, fields["source"][0], fields["language"]
    if model == "troubleshooting.searchsynonym":
        return model, fields["phrases"]
    return model, fields["slug"]


def canonical(rows: list[dict]) -> dict:
    """Key serialized rows by natural key, without the times that say when, not what."""
    content = {}
    for row in rows:
        fields = {k: v for k, v in row["fields"].items() if k not in ("created", "updated")}
        if "causes" in fields:  # a many-to-many without an order
            fields["causes"] = sorted(fields["causes"])
        content[natural_key(row["model"], fields)] = fields
    return content


def database_content() -> dict:
    objects = [obj for model in CONTENT_MODELS for obj in model.objects.all()]
    data = serializers.serialize(
        "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    return canonical(json.loads(data))


def delete_content() -> None:
    for model in (TriageChoice, TriageQuestion, Symptom, FixStep, Cause, Topic, SearchSynonym):
        model.objects.all().delete()


def files_in(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): path.read_text(encoding="utf-8")
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def export(directory: Path) -> str:
    out = StringIO()
    call_command("export_guide", str(directory), stdout=out)
    return out.getvalue()


def import_guide(directory: Path, **options) -> str:
    out = StringIO()
    call_command("import_guide", str(directory), stdout=out, **options)
    return out.getvalue()


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

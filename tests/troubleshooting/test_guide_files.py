"""The guide as Markdown files: what editors get from export_guide and import_guide."""

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from tests.factories import make_cause, make_guide, make_question, make_step, make_topic
from tests.troubleshooting.guide_folders import (
    CONTENT_DIR,
    canonical,
    database_content,
    delete_content,
    export,
    files_in,
    import_guide,
    rewrite,
)
from troubleshooting.guide_files.translations import LANGUAGES
from troubleshooting.management.commands.load_demo import DEMO_FIXTURE
from troubleshooting.models import (
    Cause,
    FixStep,
    Severity,
    Topic,
    TriageChoice,
    TriageQuestion,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(tmp_path):
    """A small guide exported to files: (folder, topic, symptom, steps, question)."""
    topic, symptom, steps, question = make_guide(3)
    export(tmp_path)
    return tmp_path, topic, symptom, steps, question


def test_demo_guide_survives_a_round_trip_through_files(tmp_path):
    call_command("loaddata", str(DEMO_FIXTURE), verbosity=0)
    before = database_content()
    export(tmp_path / "first")
    delete_content()
    assert not database_content()

    output = import_guide(tmp_path / "first")
    export(tmp_path / "second")

    assert "168 new" in output  # 56 English items, each in Spanish and French too
    assert database_content() == before  # every field, HTML included, lists in the same order
    assert files_in(tmp_path / "second") == files_in(tmp_path / "first")


def test_content_folder_is_the_demo_fixture_in_files(tmp_path):
    """content/ is the source of fixtures/imessage.json: `make fixture` must give the same."""
    import_guide(CONTENT_DIR)
    assert database_content() == canonical(json.loads(DEMO_FIXTURE.read_text()))
    # And it is exactly what export writes, so edits made in the admin export as clean diffs.
    export(tmp_path)
    # Each language's search synonyms included.
    assert files_in(tmp_path) == files_in(CONTENT_DIR)
    assert {f"{language}/synonyms.md" for language in LANGUAGES} <= files_in(tmp_path).keys()


def test_file_layout_and_format(exported):
    folder, topic, symptom, steps, question = exported
    step = steps[0]
    assert sorted(files_in(folder)) == sorted(
        [
            f"{topic.slug}/topic.md",
            f"{topic.slug}/symptoms/{symptom.slug}.md",
            f"{topic.slug}/questions/{question.slug}.md",
            f"causes/{symptom.causes.get().slug}.md",
            *(f"steps/{step.slug}.md" for step in steps),
        ]
    )
    symptom_file = (folder / topic.slug / "symptoms" / f"{symptom.slug}.md").read_text()
    assert symptom_file.startswith(f"---\ntitle: {symptom.title}\nslug: {symptom.slug}\n")
    assert "steps:\n" + "".join(f"  - {step.slug}\n" for step in steps) in symptom_file
    assert symptom_file.endswith(f"---\n\n{symptom.body}\n")
    step_file = (folder / "steps" / f"{step.slug}.md").read_text()
    assert "severity: quick\n" in step_file
    assert "## Warning" not in step_file  # only when there is one
    question_file = (folder / topic.slug / "questions" / f"{question.slug}.md").read_text()
    assert f"choices:\n  - label: Sending…\n    symptom: {symptom.slug}\n" in question_file


def test_secondary_markdown_goes_under_its_heading_and_other_headings_stay(tmp_path):
    topic, symptom, _, _ = make_guide(1)
    step = make_step(
        severity=Severity.DESTRUCTIVE,
        instructions="## Before you start\n\nBack up.\n\n```\n## Warning\n```\n\n1. Erase.",
        warning="You lose **everything**.",
    )
    symptom.next_moves = "Call the carrier."
    symptom.save()
    before = database_content()
    export(tmp_path)

    text = (tmp_path / "steps" / f"{step.slug}.md").read_text()
    assert text.endswith("1. Erase.\n\n## Warning\n\nYou lose **everything**.\n")
    symptom_file = (tmp_path / topic.slug / "symptoms" / f"{symptom.slug}.md").read_text()
    assert symptom_file.endswith("\n\n## Where to go next\n\nCall the carrier.\n")
    delete_content()
    import_guide(tmp_path)
    assert database_content() == before
    assert FixStep.objects.get(slug=step.slug).warning_html == (
        "<p>You lose <strong>everything</strong>.</p>"
    )


def test_export_refuses_text_that_would_read_back_as_a_section(tmp_path):
    step = make_step(instructions="Do it.\n\n## Warning\n\nNot really a warning.")
    with pytest.raises(CommandError, match=rf"steps/{step.slug}\.md: .*“## Warning”"):
        export(tmp_path)


def test_export_is_stable_and_removes_files_of_deleted_items(exported):
    folder, topic, symptom, steps, question = exported
    assert "0 written, 7 unchanged" in export(folder)
    extra = make_question(topic=topic)
    out = StringIO()
    call_command("export_guide", str(folder), stdout=out, verbosity=2)
    assert out.getvalue().startswith(f"Wrote {folder / topic.slug / 'questions' / extra.slug}.md")
    extra.delete()
    TriageChoice.objects.all().delete()
    question.delete()
    out = StringIO()

    call_command("export_guide", str(folder), stdout=out, verbosity=2)

    assert "2 removed" in out.getvalue()
    assert f"Removed {folder / topic.slug / 'questions' / f'{question.slug}.md'}" in out.getvalue()
    assert not (folder / topic.slug / "questions").exists()  # no empty folders left behind
    assert (folder / topic.slug / "symptoms").is_dir()


def test_export_refuses_a_topic_named_like_a_shared_folder(tmp_path):
    make_topic(slug="steps")
    with pytest.raises(CommandError, match="has the slug of a shared folder"):
        export(tmp_path)


def test_reimporting_unchanged_files_changes_nothing(exported):
    folder, *_ = exported
    updated = {obj.slug: obj.updated for obj in FixStep.objects.all()}
    assert "0 new, 0 changed, 7 unchanged" in import_guide(folder)
    assert {obj.slug: obj.updated for obj in FixStep.objects.all()} == updated


def test_import_makes_lists_exactly_what_the_files_say(exported):
    folder, topic, symptom, steps, question = exported
    first, second, third = (step.slug for step in steps)
    rewrite(
        folder / topic.slug / "symptoms" / f"{symptom.slug}.md",
        f"  - {first}\n  - {second}\n  - {third}\n",
        f"  - {third}\n  - {first}\n",
    )
    rewrite(
        folder / topic.slug / "symptoms" / f"{symptom.slug}.md",
        f"causes:\n  - {symptom.causes.get().slug}\n",
        "causes:\n",
    )
    new_cause = make_cause()
    rewrite(folder / "steps" / f"{first}.md", "causes: []", f"causes:\n  - {new_cause.slug}")

    output = import_guide(folder)

    assert "0 new, 2 changed, 5 unchanged" in output
    assert list(symptom.symptom_steps.values_list("step__slug", "position")) == [
        (third, 1),
        (first, 2),
    ]
    assert list(FixStep.objects.get(slug=first).causes.all()) == [new_cause]
    assert not symptom.causes.exists()
    assert f"cause “{new_cause.slug}”" in output  # in the database, not in the files


def test_import_moves_the_first_question(exported):
    folder, topic, symptom, steps, question = exported
    other = make_question(topic=topic)
    export(folder)
    rewrite(folder / topic.slug / "questions" / f"{question.slug}.md", "is_start: true", "")
    rewrite(
        folder / topic.slug / "questions" / f"{other.slug}.md", "is_start: false", "is_start: yes"
    )

    import_guide(folder)

    assert TriageQuestion.objects.get(topic=topic, is_start=True) == other


def test_import_creates_a_new_guide_from_files(exported):
    folder, topic, symptom, steps, question = exported
    delete_content()

    output = import_guide(folder, timestamp="2026-11-23T00:00:00Z", verbosity=2)

    assert f"New: {folder / 'causes'}" in output
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    assert {(step.created, step.updated) for step in FixStep.objects.all()} == {(stamp, stamp)}
    choice = TriageChoice.objects.get()
    assert (choice.question.slug, choice.symptom.slug, choice.position) == (
        question.slug,
        symptom.slug,
        1,
    )


def test_timestamp_stamps_changed_items_as_updated_only(exported):
    folder, topic, *_ = exported
    created = Topic.objects.get().created
    rewrite(folder / topic.slug / "topic.md", f"title: {topic.title}", "title: Renamed")

    output = import_guide(folder, timestamp="2030-01-02 03:04", verbosity=2)

    assert f"Changed: {folder / topic.slug / 'topic.md'}" in output
    topic = Topic.objects.get()
    assert (topic.title, topic.created) == ("Renamed", created)
    assert topic.updated == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)  # TIME_ZONE is UTC


def test_publishing_and_review_fields_in_files(tmp_path):
    step = make_step(
        publish_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        reviewed_on=date(2026, 2, 1),
        checked_on_ios="18.10",
    )
    export(tmp_path)
    path = tmp_path / "steps" / f"{step.slug}.md"
    text = path.read_text()
    assert "publish_at: 2026-03-01T09:00:00+00:00\nreviewed_on: 2026-02-01\n" in text
    assert "checked_on_ios: '18.10'\n" in text

    rewrite(path, "publish_at: 2026-03-01T09:00:00+00:00", "publish_at: 2026-04-01 10:30")
    rewrite(path, "reviewed_on: 2026-02-01", "reviewed_on: '2026-02-02'")
    import_guide(tmp_path)

    step.refresh_from_db()
    assert step.publish_at == datetime(2026, 4, 1, 10, 30, tzinfo=UTC)
    assert step.reviewed_on == date(2026, 2, 2)
    assert step.checked_on_ios == "18.10"


def break_step_list(folder, topic, symptom, steps, question):
    path = folder / topic.slug / "symptoms" / f"{symptom.slug}.md"
    rewrite(path, f"  - {steps[1].slug}\n", "  - no-such-step\n")
    return path, "“steps” names a fix step “no-such-step” that does not exist"


def bad_severity(folder, topic, symptom, steps, question):
    path = folder / "steps" / f"{steps[0].slug}.md"
    rewrite(path, "severity: quick", "severity: catastrophic")
    return path, "“severity” must be one of quick, moderate, disruptive, destructive"


def broken_yaml(folder, topic, symptom, steps, question):
    path = folder / topic.slug / "topic.md"
    rewrite(path, "title: ", "title: [unclosed ")
    return path, "the front matter is not valid YAML"


def destructive_without_warning(folder, topic, symptom, steps, question):
    path = folder / "steps" / f"{steps[2].slug}.md"
    rewrite(path, "severity: quick", "severity: destructive")
    return path, "“## Warning”: A destructive step needs a warning"


def destructive_listed_first(folder, topic, symptom, steps, question):
    path = folder / "steps" / f"{steps[2].slug}.md"
    rewrite(path, "severity: quick", "severity: destructive")
    path.write_text(path.read_text() + "\n## Warning\n\nIt erases things.\n")
    path = folder / topic.slug / "symptoms" / f"{symptom.slug}.md"
    rewrite(path, "steps:\n", f"steps:\n  - {steps[2].slug}\n")
    rewrite(path, f"  - {steps[1].slug}\n  - {steps[2].slug}\n", f"  - {steps[1].slug}\n")
    return path, f"“{steps[0].slug}” comes after the destructive step “{steps[2].slug}”"


def destructive_before_safer(folder, topic, symptom, steps, question):
    path = folder / "steps" / f"{steps[0].slug}.md"
    rewrite(path, "severity: quick", "severity: destructive")
    path.write_text(path.read_text() + "\n## Warning\n\nIt erases things.\n")
    return path, "destructive steps would then come before safer ones"


@pytest.mark.parametrize(
    "breakage",
    [
        break_step_list,
        bad_severity,
        broken_yaml,
        destructive_without_warning,
        destructive_listed_first,
        destructive_before_safer,
    ],
)
def test_a_bad_file_is_named_and_nothing_is_saved(exported, breakage):
    folder, topic, symptom, steps, question = exported
    # A good change in a file read before the bad one must not be saved either.
    cause = Cause.objects.get()
    rewrite(folder / "causes" / f"{cause.slug}.md", cause.title, "A new title")
    path, problem = breakage(*exported)
    before = database_content()

    with pytest.raises(CommandError) as excinfo:
        import_guide(folder)

    assert str(excinfo.value).startswith(f"Nothing was imported. {path}: ")
    assert problem in str(excinfo.value)
    assert database_content() == before


@pytest.mark.parametrize(
    ("where", "old", "new", "problem"),
    [
        ("step", "minutes: 1", "minutes: ten", "“minutes” must be a whole number"),
        ("step", "interrupts: false", "interrupts: maybe", "“interrupts” must be true or false"),
        ("step", "reviewed_on:", "reviewed_on: soon", "“reviewed_on” must be a date"),
        ("step", "reviewed_on:", "reviewed_on: 2026-02-30", "impossible value"),
        ("step", "reviewed_on:", "reviewed_on: '2026-02-30'", "“reviewed_on” must be a date"),
        ("step", "publish_at:", "publish_at: '2026-02-30 10:00'", "must be a date and time"),
        ("step", "publish_at:", "publish_at: 2026-03-01", "“publish_at” must be a date and time"),
        ("step", "checked_on_ios:", "checked_on_ios: 18.1", "put it in quotes"),
        ("step", "status: published", "status: live", "“status”: Value 'live' is not a valid"),
        ("step", "title:", "titel:", "unknown field “titel”"),
        ("step", "causes: []", "causes: [a, a]", "“causes” lists “a” twice"),
        ("step", "causes: []", "causes: oops", "“causes” must be a list of slugs"),
        ("step", "---\n", "", "must start with front matter"),
        ("step", "\n---\n\n", "\n", "no closing line"),
        ("step", "---\n", "---\n- a list\n---\n", "must be fields"),
        ("step", "\n\n1.", "\n\n## Warning\n\na\n\n## warning\n\nb\n\n1.", "appears twice"),
        ("symptom", "aliases: []", "aliases: one alias", "“aliases” must be a list"),
        ("symptom", "title:", "title: ''\nx:", "unknown field “x”"),
        ("topic", "---\n\n", "---\n\nStray text.\n\n", "put the text under"),
        ("topic", "slug: ", "slug: other-", "differs from the folder name"),
        ("topic", "position: 0", "position: -1", "“position”: Ensure this value is greater"),
        ("question", "  - label", "  - labl", "unknown field “labl”"),
        ("question", "    symptom:", "    next_question: x\n    symptom:", "one of the two"),
        ("question", "  - label: Sending…", "  - hint: Sending…", "needs a label"),
        ("question", "  - label: Sending…", "  - label: 12", "“label” must be text"),
        ("question", "choices:\n", "choices: |\n", "“choices” must be a list of answers"),
        ("question", "choices:\n  -", "choices:\n  - 3\n  -", "must have fields"),
        ("question", "    symptom: ", "    next_question: ", "names a triage question"),
    ],
)
def test_mistakes_in_a_file_are_explained(exported, where, old, new, problem):
    folder, topic, symptom, steps, question = exported
    path = {
        "step": folder / "steps" / f"{steps[0].slug}.md",
        "symptom": folder / topic.slug / "symptoms" / f"{symptom.slug}.md",
        "topic": folder / topic.slug / "topic.md",
        "question": folder / topic.slug / "questions" / f"{question.slug}.md",
    }[where]
    rewrite(path, old, new)
    with pytest.raises(CommandError, match=rf"{path}: .*") as excinfo:
        import_guide(folder)
    assert problem in str(excinfo.value)


def test_files_out_of_place_are_refused(exported):
    folder, topic, *_ = exported
    (folder / "notes.md").write_text("# Notes")
    with pytest.raises(CommandError, match="notes.md: this file is not where"):
        import_guide(folder)
    (folder / "notes.md").unlink()
    (folder / "README.md").write_text("How to edit these files.")  # a README is fine
    (folder / "steps" / "draft.txt").write_text("...")
    with pytest.raises(CommandError, match="draft.txt: only Markdown files"):
        import_guide(folder)
    (folder / "steps" / "draft.txt").unlink()
    (folder / topic.slug / "images").mkdir()
    with pytest.raises(CommandError, match="images: this file is not where"):
        import_guide(folder)
    (folder / topic.slug / "images").rmdir()
    (folder / "causes" / "new-cause.md").write_bytes("---\n---\nCaf\xe9".encode("latin-1"))
    with pytest.raises(CommandError, match="new-cause.md: the file is not UTF-8 text"):
        import_guide(folder)
    (folder / "causes" / "new-cause.md").write_text("---\n---\n\nWhy it happens.\n")
    with pytest.raises(CommandError, match="new-cause.md: “title”: This field cannot be blank"):
        import_guide(folder)
    (folder / "causes" / "new-cause.md").unlink()
    (folder / "empty-topic").mkdir()
    with pytest.raises(CommandError, match="empty-topic: a topic folder needs a topic.md"):
        import_guide(folder)


def test_renamed_file_and_same_slug_twice_are_refused(exported):
    folder, topic, symptom, steps, question = exported
    step_file = folder / "steps" / f"{steps[0].slug}.md"
    step_file.rename(folder / "steps" / "renamed.md")
    with pytest.raises(CommandError, match="differs from the file name “renamed”"):
        import_guide(folder)
    (folder / "other").mkdir()
    (folder / "other" / "symptoms").mkdir(parents=True)
    (folder / "other" / "topic.md").write_text("---\ntitle: Other\nsummary: S.\n---\n")
    symptom_file = folder / topic.slug / "symptoms" / f"{symptom.slug}.md"
    (folder / "other" / "symptoms" / symptom_file.name).write_text(symptom_file.read_text())
    (folder / "steps" / "renamed.md").rename(step_file)
    with pytest.raises(CommandError, match=f"another symptom has the slug “{symptom.slug}”"):
        import_guide(folder)


def test_dry_run_checks_everything_and_saves_nothing(exported):
    folder, topic, *_ = exported
    rewrite(folder / topic.slug / "topic.md", f"title: {topic.title}", "title: Renamed")
    before = database_content()

    output = import_guide(folder, dry_run=True)

    assert "1 changed" in output
    assert "Dry run: nothing was saved." in output
    assert database_content() == before


def test_commands_refuse_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match="there is no such folder"):
        import_guide(tmp_path / "missing")
    with pytest.raises(CommandError, match="there are no guide files here"):
        import_guide(tmp_path)
    for wrong in ("soon", "2026-02-30T00:00:00"):
        with pytest.raises(CommandError, match=f"--timestamp {wrong}: use e.g."):
            import_guide(tmp_path, timestamp=wrong)
    (tmp_path / "file.md").write_text("")
    with pytest.raises(CommandError, match="this is a file, not a folder"):
        export(tmp_path / "file.md")


def test_an_import_is_in_the_history_of_what_it_changed(exported):
    folder, topic, symptom, steps, question = exported
    rewrite(folder / topic.slug / "symptoms" / f"{symptom.slug}.md", symptom.summary, "New words.")
    import_guide(folder)
    latest = Version.objects.get_for_object(symptom).first()
    assert latest is not None
    assert "Imported from the Markdown files" in latest.revision.get_comment()
    assert latest.field_dict["summary"] == "New words."

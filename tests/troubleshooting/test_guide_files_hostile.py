"""import_guide refuses hostile guide folders cleanly: named file, clear problem, nothing saved."""

import os
import re
import time

import pytest
from django.core.management.base import CommandError

from tests.factories import make_guide
from tests.troubleshooting.guide_folders import database_content, export, import_guide, rewrite
from troubleshooting.guide_files import GuideFileError, folders

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide_folder(tmp_path):
    """A small guide exported to files: (folder, the first step's file, the symptom's file)."""
    topic, symptom, steps, _question = make_guide(3)
    folder = tmp_path / "guide"
    export(folder)
    return (
        folder,
        folder / "steps" / f"{steps[0].slug}.md",
        folder / topic.slug / "symptoms" / f"{symptom.slug}.md",
    )


def refused(folder, problem: str, path=None) -> str:
    """Import ``folder``, expecting a refusal that names the file and the problem."""
    before = database_content()
    with pytest.raises(CommandError) as excinfo:
        import_guide(folder)
    message = str(excinfo.value)
    assert message.startswith("Nothing was imported. ")
    if path is not None:
        assert f"{path}: " in message
    assert problem in message
    assert len(message) < 1_200  # never the hostile value itself
    assert database_content() == before
    return message


def billion_laughs(levels: int) -> str:
    """Return a YAML flow list whose aliases make 9 ** ``levels`` strings from a few lines."""
    lines = ["[&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f", &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "".join(lines) + "]"


def test_a_billion_laughs_is_refused_without_expanding_it(guide_folder):
    folder, step, _ = guide_folder
    # Seven levels are 4.8 million strings: seconds and tens of megabytes to quote in a message.
    rewrite(step, "title:", f"title: {billion_laughs(7)}\nx:")
    started = time.process_time()
    refused(folder, "repeats a value with a YAML alias (“*l0”)", step)
    assert time.process_time() - started < 5


def test_deeply_nested_front_matter_is_refused_not_a_crash(guide_folder):
    folder, step, _ = guide_folder
    rewrite(step, "title:", "title: " + "[" * 20_000 + "]" * 20_000 + "\nx:")
    refused(folder, "the front matter is nested too deeply (at most 5 levels)", step)


def test_a_wrong_value_is_quoted_short(guide_folder):
    folder, step, _ = guide_folder
    rewrite(step, "minutes: 1", "minutes: " + "9" * 4_000 + "x")
    message = refused(folder, "“minutes” must be a whole number, not “99999", step)
    assert "9" * 100 not in message


def test_a_file_too_large_is_refused_before_it_is_read(guide_folder):
    folder, step, _ = guide_folder
    step.write_text(step.read_text() + "a" * 200_000)
    refused(folder, "the file is too large (2", step)


def test_a_guide_too_large_is_refused(guide_folder, monkeypatch):
    folder, *_ = guide_folder
    monkeypatch.setattr(folders, "MAX_GUIDE_BYTES", 500)
    refused(folder, "the guide is too large: at most 5,000 files and 500 bytes in all.")
    monkeypatch.setattr(folders, "MAX_GUIDE_BYTES", 20_000_000)
    monkeypatch.setattr(folders, "MAX_GUIDE_FILES", 3)
    refused(folder, "the guide is too large: at most 3 files")


def test_a_link_to_a_file_outside_the_folder_is_not_imported(guide_folder, tmp_path):
    folder, step, _ = guide_folder
    outside = tmp_path / "secret.md"
    outside.write_text(step.read_text().replace(step.stem, "secret"))
    (folder / "steps" / "secret.md").symlink_to(outside)
    refused(folder, "this is a link", folder / "steps" / "secret.md")


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_links_anywhere_in_the_folder_are_refused(guide_folder, tmp_path, target):
    folder, step, symptom = guide_folder
    topic_file = symptom.parent.parent / "topic.md"
    topic_file.rename(tmp_path / "topic.md")
    topic_file.symlink_to(tmp_path / "topic.md")
    refused(folder, "this is a link", topic_file)
    topic_file.unlink()
    (tmp_path / "topic.md").rename(topic_file)
    (folder / "steps" / "zero.md").symlink_to(target)
    refused(folder, "this is a link", folder / "steps" / "zero.md")


def test_a_linked_folder_is_refused(guide_folder, tmp_path):
    folder, *_ = guide_folder
    (tmp_path / "elsewhere").mkdir()
    (folder / "causes").rename(tmp_path / "elsewhere" / "causes")
    (folder / "causes").symlink_to(tmp_path / "elsewhere" / "causes")
    refused(folder, "this is a link", folder / "causes")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting_for_it(guide_folder):
    folder, *_ = guide_folder
    pipe = folder / "steps" / "pipe.md"
    os.mkfifo(pipe)
    refused(folder, "this is not a regular file (a device, a pipe or a socket)", pipe)
    # Swapped in after the folder was surveyed, it is still refused when opened.
    with pytest.raises(GuideFileError, match="not a regular file"):
        folders.read_file(pipe)


def test_a_file_swapped_for_a_link_after_the_survey_is_refused_when_opened(tmp_path):
    link = tmp_path / "step.md"
    link.symlink_to("/dev/zero")
    with pytest.raises(GuideFileError, match="this is a link"):
        folders.read_file(link)


def test_a_nul_character_is_refused_as_the_admin_refuses_it(guide_folder):
    folder, step, symptom = guide_folder
    text = re.sub(r"(?m)^title: .*$", 'title: "No\\\\0signal"', step.read_text())
    step.write_text(text)
    refused(folder, "“title”: Null characters are not allowed.", step)
    step.write_text(text.replace("No\\\\0signal", "Fine") + "\nA NUL\x00 in the text.\n")
    refused(folder, "the text below the front matter: Null characters are not allowed.", step)


def test_markdown_too_slow_to_render_is_refused_before_the_write(guide_folder):
    folder, _, symptom = guide_folder
    symptom.write_text(symptom.read_text() + "\n" + "[" * 30_000 + "\n")
    started = time.process_time()
    message = refused(folder, "Too many “[” characters (30,000): at most 50 in one text.", symptom)
    assert "the text below the front matter" in message
    assert time.process_time() - started < 5


def test_markdown_is_rendered_before_the_write_transaction(guide_folder, monkeypatch):
    """Rendering while holding the write lock held every answer and vote up (SQLite)."""
    from django.db import connection

    from troubleshooting import markdown

    folder, _, symptom = guide_folder
    rewrite(symptom, "\n---\n", "\n---\n\nA **new** sentence.\n")
    real_markdown = markdown.md.markdown
    depths = []
    test_depth = len(connection.atomic_blocks)  # the test's own transaction

    def spy(text, **options):
        depths.append(len(connection.atomic_blocks))
        return real_markdown(text, **options)

    monkeypatch.setattr(markdown.md, "markdown", spy)
    markdown._render.cache_clear()
    import_guide(folder)
    assert depths and set(depths) == {test_depth}

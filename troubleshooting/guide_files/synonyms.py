"""The guide's search synonyms as one Markdown file, ``synonyms.md``, at the top of the folder.

One list item per group: the phrases people type, separated by commas, then, when they lead one
way only, an arrow and what the guide calls it:

    - abroad, overseas, travelling → roaming
    - reboot, restart, turn it off and on

Import makes the synonyms exactly what the file says; without the file they are left alone. Each
language has its own, in ``<language>/synonyms.md`` (``es/synonyms.md``): the words people type in
that language, for that language's search.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from troubleshooting.language_codes import SOURCE_BASE_CODE
from troubleshooting.models import SearchSynonym

from .folders import read_file
from .formats import GuideFileError

SYNONYMS_FILE = "synonyms.md"
ITEM = re.compile(r"^\s*[-*]\s+(.*)$")
HEADER = """# Search synonyms

Words people type, and what the guide calls them. One line per group: the words or phrases,
separated by commas; when they lead one way only, an arrow (→) and what the guide calls it. Search
finds the guide's words for theirs, and corrects typos in them too.

"""


def read_synonyms(directory: Path) -> list[tuple[list[str], str]] | None:
    """Return the synonym groups of the guide in ``directory``, or None without the file."""
    path = directory / SYNONYMS_FILE
    if not path.is_file():
        return None
    try:
        text = read_file(path).decode("utf-8")
    except UnicodeDecodeError:
        raise GuideFileError(path, gettext("the file is not UTF-8 text.")) from None
    groups = []
    for number, line in enumerate(text.splitlines(), start=1):
        item = ITEM.match(line)
        if item:
            groups.append(_group(item.group(1), path, number))
    return groups


def _group(text: str, path: Path, number: int) -> tuple[list[str], str]:
    phrases, arrow, means = text.replace("->", "→").partition("→")
    synonym = SearchSynonym(
        phrases="\n".join(phrase.strip() for phrase in phrases.split(",")),
        means=means.strip() if arrow else "",
    )
    try:
        synonym.clean()
    except ValidationError as error:
        message = gettext("line %(number)d: %(problems)s")
        raise GuideFileError(
            path, message % {"number": number, "problems": " ".join(error.messages)}
        ) from None
    return synonym.phrase_list(), synonym.means


def synonyms_text(language: str = SOURCE_BASE_CODE) -> str | None:
    """Return the text of a language's ``synonyms.md`` from the database, or None if none."""
    lines = [
        f"- {', '.join(synonym.phrase_list())}" + (f" → {synonym.means}" if synonym.means else "")
        for synonym in SearchSynonym.objects.filter(language=language).order_by("means", "phrases")
    ]
    return HEADER + "\n".join(lines) + "\n" if lines else None


def save_synonyms(groups: list[tuple[list[str], str]], language: str = SOURCE_BASE_CODE) -> bool:
    """Make a language's synonyms exactly ``groups``; return whether anything changed."""
    wanted = {("\n".join(phrases), means) for phrases, means in groups}
    existing = {(s.phrases, s.means): s for s in SearchSynonym.objects.filter(language=language)}
    if wanted == existing.keys():
        return False
    for key, synonym in existing.items():
        if key not in wanted:
            synonym.delete()
    for phrases, means in sorted(wanted - existing.keys()):
        SearchSynonym.objects.update_or_create(
            phrases=phrases, language=language, defaults={"means": means}
        )
    return True

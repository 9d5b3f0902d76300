"""Snippets: the passage that best matches the query, as plain text with the matches marked."""

from __future__ import annotations

import re

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .query import fold

# Markdown that is markup rather than words; punctuation and brackets in the text stay.
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
LINE_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(A-Z0-9])")
WIDTH = 180
# Query words come without accents ("envia"); the text has them ("envía"): each letter of a stem
# matches its accented forms too.
ACCENTED = {
    "a": "aáàâäã", "c": "cç", "e": "eéèêë", "i": "iíìîï", "n": "nñ", "o": "oóòôöõ", "u": "uúùûü",
    "y": "yÿ",
}  # fmt: skip


def _letters(stem: str) -> str:
    return "".join(f"[{ACCENTED[char]}]" if char in ACCENTED else re.escape(char) for char in stem)


def plain_text(markdown: str) -> list[str]:
    """Return the sentences of a Markdown text as plain text, in order."""
    sentences = []
    for line in markdown.splitlines():
        line = LINE_MARKUP.sub("", line)
        line = LINK.sub(r"\1", line)
        line = EMPHASIS.sub(r"\2", line)
        line = " ".join(line.split())
        if line:
            sentences += SENTENCE_END.split(line)
    return sentences


def pattern_for(phrases: list) -> re.Pattern | None:
    """Return a pattern that finds words starting with a stem, or a phrase of them in a row.

    A phrase a synonym led to ("text message" for "green") is marked whole, never word by word.
    """
    if not phrases:
        return None
    alternatives = {(phrase,) if isinstance(phrase, str) else tuple(phrase) for phrase in phrases}
    ordered = sorted(alternatives, key=lambda phrase: (-len(phrase), -len(phrase[0])))
    parts = [r"\W+".join(_letters(stem) + r"\w*" for stem in phrase) for phrase in ordered]
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


def best_passage(sentences: list[str], groups: list[list[tuple[str, ...]]]) -> tuple[int, int]:
    """Return (index, groups matched) of the sentence matching most groups of the query."""
    best, best_count = 0, 0
    # Each stem's pattern made once per document, not once per sentence.
    starts = {s: re.compile(rf"\b{re.escape(s)}") for group in groups for alt in group for s in alt}
    for at, sentence in enumerate(sentences):
        lowered = fold(sentence)
        count = sum(
            1
            for group in groups
            if any(all(starts[s].search(lowered) for s in alt) for alt in group)
        )
        if count > best_count:
            best, best_count = at, count
    return best, best_count


def excerpt(sentences: list[str], start: int, pattern: re.Pattern | None) -> str:
    """Return the text from one sentence on, cut at a word near WIDTH characters."""
    text = " ".join(sentences[start:])
    prefix = "…" if start else ""
    if len(text) > WIDTH and pattern is not None:
        first = pattern.search(text)
        if first and first.end() > WIDTH - 20:  # the match would be cut off: start nearer it
            cut = text.rfind(" ", 0, max(0, first.start() - WIDTH // 3))
            text, prefix = text[cut + 1 :], "…"
    if len(text) > WIDTH:
        text = text[:WIDTH].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return prefix + text


def highlight(text: str, stems: list) -> SafeString:
    """Return the text escaped, with every word starting with a stem (or phrase) in <mark>."""
    pattern = pattern_for(stems)
    if pattern is None:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append((text[last : match.start()], match.group(0)))
        last = match.end()
    return format_html("{}{}", format_html_join("", "{}<mark>{}</mark>", pieces), text[last:])


def snippet(body: str, aliases: list[str], groups: list[list[tuple[str, ...]]]) -> SafeString:
    """Return the best passage of a document, or the alias the query found it by."""
    sentences = plain_text(body)
    at, matched = best_passage(sentences, groups)
    stems = [alternative for group in groups for alternative in group]
    pattern = pattern_for(stems)
    text = excerpt(sentences, at, pattern) if sentences else ""
    if not matched and pattern is not None:
        alias = next((alias for alias in aliases if pattern.search(alias)), None)
        if alias:
            # One name, quoted, before the summary: never the raw list of every alias.
            also = _("Also called “%(alias)s”.") % {"alias": alias}
            text = excerpt([also, *sentences[:2]], 0, None)
    return highlight(text, stems)

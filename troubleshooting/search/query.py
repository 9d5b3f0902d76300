"""Understanding a query: its words, typos fixed against the guide, synonyms editors keep."""

from __future__ import annotations

import bisect
import difflib
import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from troubleshooting import caching
from troubleshooting.models import SearchSynonym

from .index import findable_documents

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
WORD = re.compile(r"[^\W_]+")
# A word with its apostrophes ("won't", "iPhone’s"), to recognise contractions in queries.
CONTRACTION = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Words that say nothing about the problem; they would match almost every document. ("out" is
# not one: "sign out", "ran out of data".)
STOPWORDS = frozenset(
    """a about an and are as at be but by can do does doesn't don't for from get got had has have he
    her him his how i i'm if in into is isn't it it's its just me my no not of on or our she so
    that the their them then there they this to too up us was we were what when where which who why
    will with won't you your wont cant dont doesnt isnt didnt im ive""".split()  # noqa: SIM905 (a list of 90 words reads better as prose)
)
# Spanish and French words that say nothing about the problem, as people type them (no accents).
STOPWORDS_BY_LANGUAGE = {
    "en": STOPWORDS,
    "es": frozenset(
        """a al algo como con de del el ella en es esta estan este esto ha han hay la las le les
        lo los me mi mis muy no o para pero por porque que se si sin sobre su sus te tengo tiene
        tu un una uno unos y ya yo""".split()  # noqa: SIM905
    ),
    "fr": frozenset(
        """a au aux avec c ce ces cet cette d dans de des du elle en est et il ils j je l la le les
        leur m ma me mes mon n ne nous on ou par pas pour qu que qui s sa se ses son sont sur ta
        te tes ton tu un une vous y""".split()  # noqa: SIM905
    ),
}
DOUBLED = re.compile(r"([bdfgklmnprt])\1$")
# Spanish and French endings of the same word's forms ("enviando", "envía" → "envi"): cut only
# from longer words, so the stem still names one thing.
ROMANCE_ENDINGS = {
    "es": (
        "amente",
        "iendo",
        "ando",
        "ados",
        "adas",
        "idos",
        "idas",
        "ado",
        "ada",
        "ido",
        "ida",
        "ar",
        "er",
        "ir",
        "es",
        "as",
        "os",
        "a",
        "o",
        "e",
        "s",
    ),
    "fr": (
        "ements",
        "ement",
        "ées",
        "ees",
        "ant",
        "ent",
        "ez",
        "er",
        "ir",
        "és",
        "es",
        "ée",
        "ee",
        "é",
        "e",
        "s",
        "x",
    ),
}


# Ranking and snippets fold the same documents' texts search after search, a character at a
# time: kept, they cost a lookup. Bounded: a page of results folds about 100 texts and their
# sentences, and 2,048 texts of a few hundred characters (the index's average) is a few MB.
@functools.lru_cache(maxsize=2048)
def fold(text: str) -> str:
    """Return a text in lower case without accents ("envía" → "envia"), as people type it."""
    if text.isascii():  # no accent to drop, and NFKD leaves ASCII as it is: most English text
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Return the lower-case words of a text, without punctuation or accents."""
    return WORD.findall(fold(text))


def stem(word: str, language: str = "en") -> str:
    """Return a prefix shared by the word's forms ("travelling" → "travel", "texts" → "text").

    Every search word matches as a prefix, so a stem only has to be the start of the other forms;
    the same stem on both engines keeps their results alike.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    if language in ROMANCE_ENDINGS:
        return _romance_stem(word, ROMANCE_ENDINGS[language])
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return DOUBLED.sub(r"\1", word[: -len(suffix)])
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _romance_stem(word: str, endings: tuple[str, ...]) -> str:
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def query_terms(query: str, language: str = "en") -> list[str]:
    """Return the meaningful words of a query, at most MAX_TERMS of them."""
    stopwords = STOPWORDS_BY_LANGUAGE.get(language, STOPWORDS)
    return [word for word in query_words(query) if word not in stopwords][:MAX_TERMS]


def query_words(query: str) -> list[str]:
    """Return every word of a query in order, stopwords included but not a contraction's pieces."""
    found = []
    for token in CONTRACTION.findall(fold(query[:MAX_QUERY_LENGTH])):
        # "won't" is a stopword as a whole; split, its "t" would match nearly every word.
        if token.replace("’", "'") in STOPWORDS:
            found.append(token.replace("’", "'"))
            continue
        found += [word for word in words(token) if len(word) > 1 and word not in found]
    return found


# What the guide knows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Synonyms:
    """Phrases people type (as stems), each with the phrases it should also find."""

    by_first_word: dict[str, list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]]
    known_words: frozenset[str] = frozenset()  # as written, for the typo corrector

    @classmethod
    def from_groups(cls, groups: list[tuple[list[str], str]], language: str = "en") -> Synonyms:
        """Build the lookup from (phrases, what the guide calls it) pairs."""
        leads: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for phrases, means in groups:
            stems = [
                tuple(stem(word, language) for word in query_words(phrase)) for phrase in phrases
            ]
            stems = [phrase for phrase in stems if phrase]
            targets = (
                [tuple(stem(w, language) for w in query_words(means))] if means.strip() else stems
            )
            for phrase in stems:
                leads.setdefault(phrase, set()).update(t for t in targets if t and t != phrase)
        by_first: dict = {}
        for phrase, targets in leads.items():
            by_first.setdefault(phrase[0], []).append((phrase, tuple(sorted(targets))))
        for entries in by_first.values():
            entries.sort(key=lambda entry: -len(entry[0]))  # the longest phrase wins
        known = {
            word for phrases, means in groups for text in [*phrases, means] for word in words(text)
        }
        return cls(by_first, frozenset(known))


@dataclass(frozen=True)
class Guide:
    """What search knows about the findable content: its words, how rare each is, its synonyms."""

    vocabulary: list[str]
    document_counts: dict[str, int]
    documents: int
    synonyms: Synonyms
    language: str = "en"

    @property
    def stopwords(self) -> frozenset[str]:
        return STOPWORDS_BY_LANGUAGE.get(self.language, STOPWORDS)

    def idf(self, prefix: str) -> float:
        """Return how rare the words starting with ``prefix`` are (BM25's inverse frequency)."""
        at = bisect.bisect_left(self.vocabulary, prefix)
        count = 0
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix):
            count += self.document_counts.get(self.vocabulary[at], 0)
            at += 1
            if count >= self.documents:
                break
        count = min(count, self.documents)
        return math.log(1 + (self.documents - count + 0.5) / (count + 0.5))

    def knows(self, term: str) -> bool:
        """Is the term a word of the guide, or the start of one?"""
        at = bisect.bisect_left(self.vocabulary, term)
        return at < len(self.vocabulary) and self.vocabulary[at].startswith(term)


_guide_cache: dict[str, tuple[tuple, Guide]] = {}


def guide(language: str = "en") -> Guide:
    """Return what search knows in ``language``, rebuilt when the content version changes."""
    # The content version changes with every save (synonyms included) and whenever scheduled
    # content goes live, so a word appears when its content does and goes with it.
    key = (connection.alias, connection.settings_dict["NAME"], caching.content_version())
    cached = _guide_cache.get(language)
    if cached is None or cached[0] != key:
        counts: Counter = Counter()
        documents = 0
        findable = findable_documents(language).values_list("title", "aliases", "body")
        for title, aliases, body in findable:
            counts.update(set(words(f"{title} {aliases} {body}")))
            documents += 1
        groups = [
            (synonym.phrase_list(), synonym.means)
            for synonym in SearchSynonym.objects.filter(language=language)
        ]
        synonyms = Synonyms.from_groups(groups, language)
        vocabulary = sorted(set(counts) | synonyms.known_words)
        cached = (key, Guide(vocabulary, dict(counts), max(documents, 1), synonyms, language))
        _guide_cache[language] = cached
    return cached[1]


def vocabulary(language: str = "en") -> list[str]:
    """Return the sorted words of what the public can find in a language, and of its synonyms."""
    return guide(language).vocabulary


def correct(terms: list[str], known: Guide, *, cutoff: float, loose: bool = False) -> list[str]:
    """Replace words the guide never uses by the closest word it does use.

    ``loose`` allows words of quite another length, for a "did you mean" when nothing matched.
    """
    corrected = []
    for term in terms:
        stemmed = stem(term, known.language)
        if len(term) < 3 or term in known.stopwords or known.knows(term) or known.knows(stemmed):
            corrected.append(term)
            continue
        close = difflib.get_close_matches(term, known.vocabulary, n=5, cutoff=cutoff)
        # A typo drops, adds or swaps a letter or two; "friend" is not a typo of "find".
        slack = 99 if loose else 2 if len(term) >= 8 else 1
        close = [word for word in close if abs(len(word) - len(term)) <= slack]
        corrected.append(close[0] if close else term)
    return corrected


# The query, understood -------------------------------------------------------------------------


@dataclass
class Understood:
    """A query as search uses it: groups of alternatives, each alternative a phrase of stems."""

    groups: list[list[tuple[str, ...]]] = field(default_factory=list)
    phrase: str = ""  # the corrected words in order, to recognise a title or alias named whole

    def engine_terms(self) -> list[str]:
        """Return every stem any alternative needs, for the engines to find candidates with."""
        terms = []
        for group in self.groups:
            for alternative in group:
                terms += [word for word in alternative if word not in terms]
        return terms


def understand(query_words_: list[str], synonyms: Synonyms, language: str = "en") -> Understood:
    """Group the words of a query, adding the phrases their synonyms lead to."""
    stopwords = STOPWORDS_BY_LANGUAGE.get(language, STOPWORDS)
    stems = [stem(word, language) for word in query_words_]
    groups: list[list[tuple[str, ...]]] = []
    at = 0
    while at < len(stems) and len(groups) < MAX_TERMS:
        matched = _synonym_at(stems, at, synonyms)
        if matched:
            phrase, targets = matched
            # "turn it off and on" is matched whole, but "it" and "on" alone find nothing useful.
            alternatives = [
                _content(phrase, stopwords),
                *(_content(target, stopwords) for target in targets),
            ]
            groups.append([alt for alt in dict.fromkeys(alternatives) if alt])
            at += len(phrase)
            continue
        if query_words_[at] not in stopwords:
            groups.append([(stems[at],)])
        at += 1
    return Understood(groups=groups, phrase=name_text(" ".join(query_words_)))


def name_text(text: str) -> str:
    """Return a title, alias or query as plain words for comparing them whole ("doesnt")."""
    return " ".join(word.replace("'", "") for word in query_words(text))


def _content(phrase: tuple[str, ...], stopwords: frozenset[str]) -> tuple[str, ...]:
    return tuple(word for word in phrase if word not in stopwords)


def _synonym_at(stems: list[str], at: int, synonyms: Synonyms):
    for phrase, targets in synonyms.by_first_word.get(stems[at], []):
        if tuple(stems[at : at + len(phrase)]) == phrase:
            if len(phrase) == 1 and not targets:
                return None
            return phrase, targets
    return None

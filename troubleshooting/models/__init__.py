"""The app's models: the guides' content, and what happens when people use them."""

from ..rules import RESERVED_SLUGS, Severity, validate_slug_not_reserved
from .content import POSITION_VALIDATORS, Cause, FixStep, Symptom, SymptomCause, SymptomStep, Topic
from .outcomes import (
    AnswerTally,
    ArticleVote,
    CantDoReason,
    FeedbackReason,
    FlowSession,
    Outcome,
    Result,
    SessionTally,
    StepAnswer,
    VoteTally,
)
from .publishing import Content, PublishableQuerySet, Status, live, normalize_newlines
from .site import (
    ContentVersion,
    SearchDocument,
    SearchMiss,
    SearchOpen,
    SearchQuery,
    SearchSynonym,
    SlugRedirect,
)
from .triage import TriageChoice, TriageQuestion

__all__ = [
    "AnswerTally",
    "ArticleVote",
    "CantDoReason",
    "FeedbackReason",
    "FlowSession",
    "Outcome",
    "Result",
    "SessionTally",
    "StepAnswer",
    "VoteTally",
    "POSITION_VALIDATORS",
    "RESERVED_SLUGS",
    "Cause",
    "Content",
    "ContentVersion",
    "FixStep",
    "PublishableQuerySet",
    "SearchDocument",
    "SearchMiss",
    "SearchOpen",
    "SearchQuery",
    "SearchSynonym",
    "Severity",
    "SlugRedirect",
    "Status",
    "Symptom",
    "SymptomCause",
    "SymptomStep",
    "Topic",
    "TriageChoice",
    "TriageQuestion",
    "live",
    "normalize_newlines",
    "validate_slug_not_reserved",
]

"""The app's models: the guides' content, and what happens when people use them."""

from ..rules import (
    RESERVED_SLUGS,
    Reach,
    Severity,
    validate_issue_slug,
    validate_slug_not_reserved,
)
from .content import POSITION_VALIDATORS, Cause, FixStep, Symptom, SymptomCause, SymptomStep, Topic
from .known_issues import IssueState, KnownIssue, KnownIssueUpdate
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
from .review import OPEN_STATES, PendingChange, ReviewState
from .site import (
    ContentVersion,
    SearchDocument,
    SearchMiss,
    SearchOpen,
    SearchQuery,
    SearchSynonym,
    SlugRedirect,
)
from .step_lists import PastStepList
from .triage import TriageChoice, TriageQuestion

__all__ = [
    "AnswerTally",
    "ArticleVote",
    "CantDoReason",
    "FeedbackReason",
    "FlowSession",
    "IssueState",
    "KnownIssue",
    "KnownIssueUpdate",
    "Outcome",
    "Result",
    "SessionTally",
    "StepAnswer",
    "VoteTally",
    "PastStepList",
    "POSITION_VALIDATORS",
    "RESERVED_SLUGS",
    "Cause",
    "Content",
    "ContentVersion",
    "FixStep",
    "OPEN_STATES",
    "PendingChange",
    "PublishableQuerySet",
    "ReviewState",
    "SearchDocument",
    "SearchMiss",
    "Reach",
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
    "validate_issue_slug",
    "validate_slug_not_reserved",
]

"""The app's models: the guides' content, and what happens when people use them."""

from ..rules import (
    RESERVED_SLUGS,
    Reach,
    Severity,
    validate_issue_slug,
    validate_slug_not_reserved,
)
from .content import POSITION_VALIDATORS, Cause, FixStep, Symptom, SymptomCause, SymptomStep, Topic
from .known_issue_translations import (
    KnownIssueTranslation,
    english_updates,
    validate_update_texts,
)
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
from .publishing import (
    Content,
    PublishableQuerySet,
    Status,
    built_once,
    live,
    live_count,
    normalize_newlines,
)
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
from .topic_listings import TopicListing
from .translations import (
    TRANSLATION_LANGUAGES,
    TRANSLATION_MODELS,
    CauseTranslation,
    FixStepTranslation,
    SymptomTranslation,
    TopicTranslation,
    Translation,
    TriageQuestionTranslation,
    english_choices,
    live_in_language,
    settings_path_parts_differ,
    validate_choice_texts,
)
from .triage import TriageChoice, TriageQuestion

# Known issues' translations build on translations.py, which can't import them: added here.
TRANSLATION_MODELS[KnownIssue] = KnownIssueTranslation

__all__ = [
    "TRANSLATION_LANGUAGES",
    "TRANSLATION_MODELS",
    "CauseTranslation",
    "FixStepTranslation",
    "SymptomTranslation",
    "TopicTranslation",
    "Translation",
    "TriageQuestionTranslation",
    "live_in_language",
    "AnswerTally",
    "ArticleVote",
    "CantDoReason",
    "FeedbackReason",
    "FlowSession",
    "IssueState",
    "KnownIssue",
    "KnownIssueTranslation",
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
    "TopicListing",
    "TriageChoice",
    "TriageQuestion",
    "built_once",
    "live",
    "live_count",
    "normalize_newlines",
    "english_choices",
    "english_updates",
    "settings_path_parts_differ",
    "validate_choice_texts",
    "validate_update_texts",
    "validate_issue_slug",
    "validate_slug_not_reserved",
]

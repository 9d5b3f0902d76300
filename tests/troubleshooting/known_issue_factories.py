"""Known issues for tests: published and active unless told otherwise."""

from itertools import count

from troubleshooting.models import KnownIssue, KnownIssueUpdate, Status

_seq = count(1)


def make_issue(*, topics=(), symptoms=(), updates=(), **fields) -> KnownIssue:
    n = next(_seq)
    defaults = {
        "title": f"Messages down after update {n}",
        "slug": f"known-issue-{n}",
        "symptoms_seen": "Messages stay on **Sending…**.",
        "known": "Apple is on it.",
        "workaround": "Send as text message.",
        "status": Status.PUBLISHED,
    }
    issue = KnownIssue.objects.create(**{**defaults, **fields})
    issue.topics.set(topics)
    issue.symptoms.set(symptoms)
    for body in updates:
        KnownIssueUpdate.objects.create(issue=issue, state=issue.state, body=body)
    return issue

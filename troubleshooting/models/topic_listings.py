"""Each topic's first symptoms on the home page, stored per language as the page reads them.

Derived from the rows, like ``Topic.published_symptoms``: written after content commits
(``listings.relist``), never edited, never in a fixture, a history version or a change awaiting
approval. The home page trusts a row only while its ``token`` is the content version's and its
``until`` has not come; otherwise it works the listing out live, as before.
"""

from django.db import models


class TopicListing(models.Model):
    """A topic's home page listing in one language, as of one content version."""

    # No constraint in the database: a release without this model (a rolling deploy, a rollback
    # of the code alone) deletes topics without their rows, and a relist inserting a row never
    # waits for a topic's lock (an approval holds it, then waits for the content version's row,
    # which the relist holds). Django still deletes a topic's rows with it; the unique
    # constraint's index, topic first, serves the home page's join.
    topic = models.ForeignKey(
        "troubleshooting.Topic",
        on_delete=models.CASCADE,
        related_name="listings",
        editable=False,
        db_constraint=False,
    )
    language = models.CharField(max_length=10, editable=False)
    # The text the home page's listing subquery gives on this database (``listings.ListedRows``),
    # null where it gives null (PostgreSQL's aggregate of no rows): stored exactly as read.
    listed = models.TextField(null=True, editable=False)  # noqa: DJ001
    # The ``ContentVersion`` token the listing was worked out under.
    token = models.CharField(max_length=32, editable=False)
    # The first time, by the database's clock, at which a scheduled row could change the listing.
    until = models.DateTimeField(null=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "language"], name="topic_listing_per_language")
        ]

    def __str__(self):
        return f"{self.topic_id} ({self.language})"

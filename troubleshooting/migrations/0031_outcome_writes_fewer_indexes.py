"""An answer writes two indexes fewer: the two foreign keys indexed by a wider index already.

A session's symptom is looked up through the (symptom, started_at) index, and an answer's session
through the unique (session, step) constraint: both lead with the column, so the foreign keys' own
indexes only cost every answer their writes. The known issue's index is kept only where one is set.

The fields change in Django's state alone and their indexes are dropped by name, the same on
SQLite and PostgreSQL: altering the fields would rebuild both tables on SQLite and check every
row's foreign key again on PostgreSQL, for an index.
"""

import django.db.models.deletion
from django.db import migrations, models

# Django's names for the foreign keys' indexes, as 0004 and 0010 created them.
_DROPPED = (
    (
        "troubleshooting_flowsession",
        "symptom_id",
        "troubleshooting_flowsession_symptom_id_b08d56aa",
    ),
    (
        "troubleshooting_flowsession",
        "known_issue_id",
        "troubleshooting_flowsession_known_issue_id_c4208ce4",
    ),
    ("troubleshooting_stepanswer", "session_id", "troubleshooting_stepanswer_session_id_c55b2f47"),
)


class Migration(migrations.Migration):
    dependencies = [
        ("troubleshooting", "0030_content_version_scoped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="flowsession",
                    name="known_issue",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="flow_sessions",
                        to="troubleshooting.knownissue",
                    ),
                ),
                migrations.AlterField(
                    model_name="flowsession",
                    name="symptom",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="flow_sessions",
                        to="troubleshooting.symptom",
                    ),
                ),
                migrations.AlterField(
                    model_name="stepanswer",
                    name="session",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="troubleshooting.flowsession",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in _DROPPED
            ],
        ),
        migrations.AddIndex(
            model_name="flowsession",
            index=models.Index(
                condition=models.Q(("known_issue__isnull", False)),
                fields=["known_issue"],
                name="flow_session_known_issue",
            ),
        ),
    ]

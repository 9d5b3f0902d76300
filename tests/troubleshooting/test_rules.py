"""The domain rules on their own: plain values in, a judgement out."""

import pytest
from django.core.exceptions import ValidationError

from troubleshooting import rules
from troubleshooting.rules import Severity

# Plain values and files in, a judgement out: no database engine or cache can change it.
pytestmark = pytest.mark.engine_independent

QUICK, MODERATE, DESTRUCTIVE = Severity.QUICK, Severity.MODERATE, Severity.DESTRUCTIVE


def same(value):
    return value


def test_each_destructive_step_ahead_of_a_safer_one_is_paired_with_the_first_safer_one():
    order = [QUICK, DESTRUCTIVE, MODERATE, DESTRUCTIVE, QUICK]
    pairs = list(rules.destructive_before_safer(enumerate(order), severity=lambda p: p[1]))
    assert [(a[0], b[0]) for a, b in pairs] == [(1, 2), (3, 4)]
    assert rules.first_destructive_before_safer([QUICK, DESTRUCTIVE], severity=same) is None


def test_a_step_breaks_the_order_when_it_is_on_either_side_of_a_clash():
    order = [DESTRUCTIVE, QUICK, QUICK]
    assert rules.breaks_step_order_at(order, 0, severity=same)
    assert rules.breaks_step_order_at(order, 2, severity=same)
    assert not rules.breaks_step_order_at([QUICK, DESTRUCTIVE], 0, severity=same)


def test_destructive_steps_move_last_and_the_rest_keep_their_order():
    order = [(DESTRUCTIVE, "a"), (QUICK, "b"), (DESTRUCTIVE, "c"), (MODERATE, "d")]
    moved = rules.destructive_last(order, severity=lambda p: p[0])
    assert [name for _, name in moved] == ["b", "d", "a", "c"]


def test_reordering_only_trades_places_within_a_severity():
    steps = [(QUICK, 1), (QUICK, 3), (DESTRUCTIVE, 9), (DESTRUCTIVE, 5)]
    order = rules.reorder_within_severity(
        steps, rank=lambda p: -p[1], movable=lambda p: p[1] != 5, severity=lambda p: p[0]
    )
    assert order == [(QUICK, 3), (QUICK, 1), (DESTRUCTIVE, 9), (DESTRUCTIVE, 5)]
    assert rules.keeps_severity_in_place(steps, order, severity=lambda p: p[0])
    assert not rules.keeps_severity_in_place(steps, steps[::-1], severity=lambda p: p[0])


def test_warnings_answers_loops_and_slugs():
    assert rules.lacks_warning(DESTRUCTIVE, "  \n")
    assert not rules.lacks_warning(QUICK, "")
    assert rules.leads_to_one_place("next", "") and not rules.leads_to_one_place("a", "b")
    edges = {1: [2], 2: [3], 3: [1], 4: []}
    assert rules.reachable(1, lambda node: edges.get(node, [])) == {1, 2, 3}
    assert rules.reachable(4, lambda node: edges.get(node, [])) == set()
    with pytest.raises(ValidationError):
        rules.validate_slug_not_reserved("Admin")


def test_a_lists_rows_are_unique_by_their_place_and_what_they_point_at():
    from troubleshooting.models import SymptomCause, SymptomStep, TriageChoice

    assert rules.unique_fields(SymptomStep) == {"symptom", "position", "step"}
    assert rules.unique_fields(SymptomCause) == {"symptom", "cause"}
    assert rules.unique_fields(TriageChoice) == {"question", "position"}

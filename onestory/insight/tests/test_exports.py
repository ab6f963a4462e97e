"""Downloads of the performance hub's tables: CSV and XLSX that open cleanly in a spreadsheet,
text that would run as a formula written as text, one visible sheet, plain file names."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from onestory.insight.exports import download, file_name, safe_cell

HEADER = ["Ward", "Children", "Per 10,000"]
ROWS = [
    ["Leagrave", 105, 281.4],
    ['=HYPERLINK("http://example.com","Click")', 3, None],
    ["+SUM(A1:A2)", -4, 0.5],
    ["-2+3", 0, 1],
    ["@cmd", 1, 2],
    ["\tTabbed", 1, 2],
    ["Biscot", date(2023, 3, 31), 7],
]


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted():
    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Leagrave") == "Leagrave"
    # Numbers stay numbers, negative ones included.
    assert safe_cell(-4) == -4


def test_a_table_downloads_as_csv_with_formulas_escaped():
    response = download("csv", "wards children_in_need", HEADER, ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="wards-children-in-need.csv"'
    assert response["Cache-Control"] == "no-store"
    rows = _csv_rows(response)
    assert rows[0] == HEADER
    assert rows[1] == ["Leagrave", "105", "281.4"]
    assert rows[2][0].startswith("'=HYPERLINK")
    assert rows[2][2] == ""
    assert [r[0] for r in rows[3:7]] == ["'+SUM(A1:A2)", "'-2+3", "'@cmd", "'\tTabbed"]
    assert rows[3][1] == "-4"
    assert rows[7][1] == "2023-03-31"


def test_a_table_downloads_as_a_workbook_with_one_visible_sheet_and_no_formulas():
    response = download("xlsx", "Children in need by ward", HEADER, ROWS)
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="children-in-need-by-ward.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Children in need by ward"]
    sheet = book.active
    assert sheet.sheet_state == "visible"
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(HEADER)
    assert values[1] == ("Leagrave", 105, 281.4)
    assert values[2][0].startswith("'=HYPERLINK")
    assert values[2][2] is None
    assert values[3][:2] == ("'+SUM(A1:A2)", -4)
    # No cell holds a formula.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert values[7][1].date() == date(2023, 3, 31)


def test_a_sheet_name_keeps_to_what_excel_allows():
    response = download("xlsx", "Children: in need / by ward [all] of a very long title", [], [])
    name = load_workbook(io.BytesIO(response.content)).sheetnames[0]
    assert len(name) <= 31
    assert not set(name) & set("[]:*?/\\")


def test_file_names_hold_only_plain_letters_digits_and_hyphens():
    assert file_name("Trend: children_in_need 2022-04-01", "csv") == (
        "trend-children-in-need-2022-04-01.csv"
    )
    assert file_name("../../etc/passwd", "xlsx") == "etc-passwd.xlsx"
    assert file_name("", "csv") == "table.csv"


def test_another_format_is_refused():
    with pytest.raises(ValueError, match="CSV or XLSX"):
        download("pdf", "table", HEADER, ROWS)

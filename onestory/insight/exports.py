"""Downloads of the performance hub's tables, as CSV or as an Excel workbook.

Every table on a performance page can be downloaded with the numbers behind its chart. The files
hold aggregates only; the view that serves one writes the audit EXPORT event.

A spreadsheet treats a cell that starts with = + - or @ (or a tab or carriage return) as a
formula, so text cells starting with one are written with a leading apostrophe (OWASP's advice
on CSV injection); numbers are written as numbers. The workbook has one visible sheet and nothing
hidden.
"""

import csv
import io
import re
from datetime import date, datetime

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limit on a sheet's name.
SHEET_NAME_LENGTH = 31


def safe_cell(value):
    """The value as a spreadsheet should hold it: text that would run as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def file_name(filename: str, extension: str) -> str:
    """A plain file name: lower-case letters, digits and hyphens, then the extension."""
    stem = re.sub(r"[^a-z0-9]+", "-", filename.lower()).strip("-") or "table"
    return f"{stem[:100]}.{extension}"


def download(request_format: str, filename: str, header: list[str], rows: list[list]):
    """The table as an attachment in the format asked for ("csv" or "xlsx").

    Raises ValueError for any other format (the view answers 404)."""
    if request_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # The byte order mark lets Excel read the file as UTF-8 (the £ and accents in names).
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
    elif request_format == "xlsx":
        response = HttpResponse(_workbook(filename, header, rows), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"Downloads are CSV or XLSX, not {request_format!r}.")
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(filename, request_format)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return safe_cell(value)


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_name(title))
    bold = Font(bold=True)
    sheet.append([_text_cell(sheet, h, font=bold) for h in header])
    for row in rows:
        sheet.append([_xlsx_value(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    # Excel refuses these characters in a sheet's name.
    name = re.sub(r"[\[\]:*?/\\]+", " ", title).strip() or "Table"
    return name[:SHEET_NAME_LENGTH]


def _text_cell(sheet, value, *, font=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    if isinstance(value, str):
        # Written as text, whatever it looks like: never a formula.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _xlsx_value(sheet, value):
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    return _text_cell(sheet, str(value))

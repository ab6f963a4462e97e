"""Ofsted's Annex A (inspection of local authority children's services, ILACS): lists 1 to 11
as one workbook, one sheet per list, for the six months before a date.

`export(on=date(2026, 11, 1), ...)` writes the lists for 1 May to 31 October 2026. Each sheet
has the template's column headings (annex_a_template); every child list starts Child Unique ID
(the returns' identifier, identifiers.child_ids), Gender, Ethnicity, Date of Birth and Age (in
whole years on the date given). Lists 1 to 5 are built in annex_a_front, 6 and 7 in
annex_a_care, 8 and 9 in annex_a_looked_after, each in a few queries for the whole window.

Adoption (lists 10 and 11) is not recorded in onestory: those sheets carry their headings, no
rows, and a comment on the first heading saying so. Columns the record cannot fill are left
empty (NOT_RECORDED lists them). Read only: nothing here writes case data.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from onestory.access import audit
from onestory.access.selectors import audit_views
from onestory.people.models import Person

from . import annex_a_care, annex_a_front, annex_a_looked_after
from . import annex_a_template as template
from .annex_a_common import Sheet, Window
from .files import check_out_path, replace_when_complete
from .identifiers import check_unique, child_ids

PAGE = "Ofsted Annex A"
BUILDERS = (
    annex_a_front.contacts,
    annex_a_front.early_help_assessments,
    annex_a_front.referrals,
    annex_a_front.assessments,
    annex_a_front.section_47_enquiries,
    annex_a_care.children_in_need,
    annex_a_care.child_protection,
    annex_a_looked_after.children_in_care,
    annex_a_looked_after.care_leavers,
)
NOT_MODELLED = (10, 11)
ADOPTION_NOTE = (
    "Adoption is not recorded in onestory, so this list has no rows. Fill it from the "
    "adoption service's own records."
)
# Columns the record cannot fill: always left empty.
NOT_RECORDED = {
    8: (
        "What is the permanence plan for this child?",
        "Date of Last IRO Visit / Contact to the Child",
    ),
}
COLUMN_WIDTH = 22
HEADING_FONT = Font(bold=True)


@dataclass
class AnnexA:
    window: Window
    sheets: dict[int, Sheet] = field(default_factory=dict)
    ids: dict = field(default_factory=dict)

    @property
    def person_ids(self) -> set:
        return set().union(*(sheet.person_ids for sheet in self.sheets.values()))

    @property
    def notes(self) -> list[str]:
        return [
            f"List {number}: {note}"
            for number, sheet in sorted(self.sheets.items())
            for note in sheet.notes
        ]


def build(on: date) -> AnnexA:
    """Lists 1 to 11 for the six months before `on`."""
    window = Window(on)
    result = AnnexA(window=window)
    for builder in BUILDERS:
        sheet = builder(window)
        result.sheets[sheet.number] = sheet
    for number in NOT_MODELLED:
        result.sheets[number] = Sheet(number, notes=[ADOPTION_NOTE])
    for number, headings in NOT_RECORDED.items():
        columns = ", ".join(f'"{h}"' for h in headings)
        result.sheets[number].notes.append(f"left empty (not recorded in onestory): {columns}.")
    result.ids = child_ids(result.person_ids)
    return result


# Writing the workbook ----------------------------------------------------------------------------


def _cell(sheet, value):
    """A date as a cell shown dd/mm/yyyy; anything else as it is."""
    if not isinstance(value, date):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = template.DATE_FORMAT
    return cell


def _heading_row(sheet, number: int) -> list:
    cells = []
    for heading in template.HEADINGS[number]:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = HEADING_FONT
        cells.append(cell)
    if number in NOT_MODELLED:
        cells[0].comment = Comment(ADOPTION_NOTE, "onestory")
    return cells


def write_workbook(annex: AnnexA, path: Path) -> None:
    """Write the workbook in one go, replacing the file only once it is complete."""
    book = Workbook(write_only=True)
    for number in sorted(template.HEADINGS):
        sheet = book.create_sheet(title=f"List {number}")
        sheet.freeze_panes = "A2"
        for column in range(len(template.HEADINGS[number])):
            sheet.column_dimensions[get_column_letter(column + 1)].width = COLUMN_WIDTH
        sheet.append(_heading_row(sheet, number))
        for person_id, cells in annex.sheets[number].rows:
            sheet.append([_cell(sheet, value) for value in (annex.ids[person_id], *cells)])
    book.properties.title = f"Annex A: {annex.window.words()}"
    book.properties.creator = "onestory"
    replace_when_complete(path, book.save)


# The command's entry point -----------------------------------------------------------------------


def export(*, on: date, out, now: datetime, acting_user=None, via: str = "command") -> str:
    """Write Annex A for the six months before `on` to the workbook `out`, audit it (one
    "export" row per child listed and one for the workbook) and say what was written."""
    path = check_out_path(out, suffix=".xlsx")
    annex = build(on)
    check_unique(annex.ids, name="Child Unique ID", written="the lists")
    write_workbook(annex, path)
    counts = {f"List {n}": len(annex.sheets[n].rows) for n in sorted(annex.sheets)}
    page = f"{PAGE} {annex.window.start.isoformat()} to {annex.window.end.isoformat()}"
    people = annex.person_ids
    audit_views(acting_user, [Person(pk=pk) for pk in people], now=now, page=page, action="export")
    audit.record(
        actor=acting_user,
        action="export",
        at=now,
        detail={"page": page, "via": via, "children": len(people), "rows": counts},
    )
    lines = [
        f"Ofsted Annex A for {annex.window.words()} (the six months before "
        f"{on:%-d %B %Y}): {len(people):,} children, written to {path}",
        *(
            f"  List {n} {template.LIST_TITLES[n].lower()}: {len(annex.sheets[n].rows):,} rows"
            for n in sorted(annex.sheets)
        ),
        *(f"  {note}" for note in annex.notes),
    ]
    return "\n".join(lines)

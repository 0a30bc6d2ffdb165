"""The period workbook as openpyxl reads it, and its PDF (LibreOffice's) as pypdf reads it, as JSON.

Usage: read-workbook.py <workbook.xlsx> [<workbook.pdf>]
"""
import json
import sys

from openpyxl import load_workbook


def size(points):
    return int(points) if float(points).is_integer() else float(points)


def text(value):
    if value is None:
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def sheet_of(ws):
    setup = ws.page_setup
    last = ws.max_row
    header_row = next(
        (row for row in range(1, last + 1) if ws.cell(row, 2).value is not None), None
    )
    header = [ws.cell(header_row, col) for col in range(1, ws.max_column + 1)]
    return {
        "name": ws.title,
        "printTitleRows": ws.print_title_rows,
        "orientation": setup.orientation,
        "fitToPage": ws.sheet_properties.pageSetUpPr.fitToPage,
        "fitToWidth": setup.fitToWidth,
        "fitToHeight": setup.fitToHeight,
        "freezePanes": ws.freeze_panes,
        "autoFilter": ws.auto_filter.ref,
        "heading": [text(ws.cell(row, 1).value) for row in range(1, header_row)],
        "headerRow": header_row,
        "header": [cell.value for cell in header],
        "headerFonts": sorted(
            {json.dumps([c.font.name, size(c.font.sz), bool(c.font.b)], separators=(",", ":")) for c in header}
        ),
        "totalRow": [text(ws.cell(last, col).value) for col in range(1, ws.max_column + 1)],
        "dataRows": last - header_row - 1,
    }


def pages_of(pdf):
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(pdf).pages]


book = load_workbook(sys.argv[1])
result = {"sheets": [sheet_of(ws) for ws in book.worksheets]}
if len(sys.argv) > 2:
    result["pages"] = pages_of(sys.argv[2])
print(json.dumps(result))

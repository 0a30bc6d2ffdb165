import type ExcelJS from 'exceljs';
import { type Decimal, formatDecimal, toDecimal } from '../billing/money.js';

export type Column = { header: string; key: string; width: number; style?: Partial<ExcelJS.Style> };

/** One font for every sheet's header and total rows, so the sheets look alike on screen and on paper. */
export const HEADER_FONT: Partial<ExcelJS.Font> = { name: 'Calibri', size: 11, bold: true };
const TITLE_FONT: Partial<ExcelJS.Font> = { name: 'Calibri', size: 14, bold: true };

/**
 * A sheet of the period workbook: its name as a title, the heading lines saying which tenant,
 * period, revision and status it shows and when it was generated, then the header row, the data
 * and a grand-total row. Printed landscape, one page wide, the header row repeated on every page.
 * Rows are committed as they are added, so the streaming writer holds none of them.
 */
export class PeriodSheet {
  readonly headerRow: number;
  private readonly worksheet: ExcelJS.Worksheet;
  private readonly columns: Column[];
  private readonly sums = new Map<string, Decimal>();
  private rows = 0;

  constructor(
    workbook: ExcelJS.stream.xlsx.WorkbookWriter,
    name: string,
    columns: Column[],
    heading: readonly string[],
    /** The columns summed exactly into the total row. */
    totalled: readonly string[],
  ) {
    this.headerRow = heading.length + 2;
    this.columns = columns;
    this.worksheet = workbook.addWorksheet(name, {
      views: [{ state: 'frozen', ySplit: this.headerRow }],
      pageSetup: {
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        // The streaming writer turns this into the sheet's _xlnm.Print_Titles defined name.
        printTitlesRow: `${this.headerRow}:${this.headerRow}`,
      },
      headerFooter: { oddFooter: `&L${name}&RPage &P of &N` },
    });
    // Keys and widths only: a column's `header` would land in row 1, above the heading lines.
    this.worksheet.columns = columns.map(({ key, width, style }) => ({
      key,
      width,
      ...(style ? { style } : {}),
    }));
    const title = this.worksheet.addRow([name]);
    title.getCell(1).font = TITLE_FONT;
    title.commit();
    for (const line of heading) this.worksheet.addRow([line]).commit();
    const header = this.worksheet.addRow(columns.map((column) => column.header));
    header.eachCell((cell) => {
      cell.font = HEADER_FONT;
    });
    header.commit();
    for (const key of totalled) this.sums.set(key, toDecimal('0'));
  }

  /**
   * Adds a data row. `exact` holds the decimal strings of the totalled columns (the cells get
   * numbers, which Excel keeps as doubles): the total row is their exact sum, never a float's.
   */
  add(values: object, exact: Readonly<Record<string, string | number | null>> = {}) {
    this.worksheet.addRow(values).commit();
    this.rows += 1;
    for (const [key, value] of Object.entries(exact)) {
      const sum = this.sums.get(key);
      if (sum !== undefined && value !== null) this.sums.set(key, sum.plus(toDecimal(String(value))));
    }
  }

  /** Writes the total row and the filter over the data, and commits the sheet. */
  close(label = 'Total') {
    const total: Record<string, unknown> = { [this.columns[0]?.key ?? '']: label };
    for (const [key, sum] of this.sums) total[key] = Number(formatDecimal(sum));
    const row = this.worksheet.addRow(total);
    row.eachCell((cell) => {
      cell.font = HEADER_FONT;
    });
    row.commit();
    // The filter covers the header and the data, not the total row under them.
    this.worksheet.autoFilter = {
      from: { row: this.headerRow, column: 1 },
      to: { row: this.headerRow + this.rows, column: this.columns.length },
    };
    this.worksheet.commit();
  }
}

/**
 * CSV as RFC 4180 writes it: fields separated by commas, lines ended by CRLF, a field holding a comma, quote
 * or line break quoted with its quotes doubled. Used by the site's "Download CSV" (DownloadCsv.tsx) and the
 * twin's `recstream sql --format csv`. Pure: no DOM.
 */
export type CsvCell = string | number | boolean | null | undefined;

export const csvField = (value: CsvCell): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export const csvLine = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;

/** A header line, then one line per row. */
export const csvDocument = (header: readonly string[], rows: readonly (readonly CsvCell[])[]): string => [header, ...rows].map(csvLine).join('');

/** Excel reads a CSV as UTF-8 (the site's → and … ) only when it starts with a byte-order mark. */
export const CSV_BOM = '\uFEFF';

/**
 * A table's cells (first row the header) as a CSV document: the cells' text as shown, columns that are empty in
 * every row (a drawn bar, nothing to read) left out.
 */
export const csvOfCells = (cells: readonly (readonly string[])[]): string => {
  const width = Math.max(0, ...cells.map((row) => row.length));
  const kept = [...Array(width).keys()].filter((i) => cells.some((row) => (row[i] ?? '') !== ''));
  const [header = [], ...rows] = cells.map((row) => kept.map((i) => row[i] ?? ''));
  return csvDocument(header, rows);
};

/** `Top 10 customers by spend` -> `top-10-customers-by-spend.csv`. */
export const csvFileName = (title: string): string => `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'table'}.csv`;

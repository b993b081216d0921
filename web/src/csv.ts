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

import { useRef, type ReactNode } from 'react';
import { CSV_BOM, csvFileName, csvOfCells } from '../csv';

/** Hands the browser a file to save. */
export const saveFile = (name: string, type: string, text: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

/** A cell's text as a reader gets it: what is hidden from assistive technology (a drawn bar) is not data. */
const shownText = (node: Node): string => {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  if (node instanceof Element && node.getAttribute('aria-hidden') === 'true') return '';
  return [...node.childNodes].map(shownText).join('');
};

/** Every row of a table (header rows first, as the table has them), each cell's shown text with spaces collapsed. */
export const tableCells = (table: HTMLTableElement): string[][] =>
  [...table.rows].map((row) => [...row.cells].map((cell) => shownText(cell).replace(/\s+/g, ' ').trim()));

/**
 * A table with a "Download CSV" button under it: the file holds exactly what the table shows (its header,
 * every row, each value formatted as on the page), read from the table itself when the button is pressed.
 * Raw values are a query away: docs/user-guide.md "Ask your own questions in SQL".
 */
export const WithCsv = ({ name, children }: { name: string; children: ReactNode }) => {
  const box = useRef<HTMLDivElement>(null);
  const download = () => {
    const table = box.current?.querySelector('table');
    if (table) saveFile(csvFileName(name), 'text/csv;charset=utf-8', CSV_BOM + csvOfCells(tableCells(table)));
  };
  return (
    <div ref={box} data-csv={name}>
      {children}
      <div className="export-row">
        <button type="button" className="chip" aria-label={`Download ${name} as CSV`} onClick={download}>
          Download CSV
        </button>
      </div>
    </div>
  );
};

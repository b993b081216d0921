/**
 * Issue 27.12 and 27.13: the README is for a newcomer (short, no project history) and every figure in it
 * comes from somewhere this test can reach: the demo data's size from the twin's defaults, the cost
 * summary from docs/costs.md's rows (re-added here, the MSK partitions counted from the contract). The
 * Firehose buffer is tied to contract/streaming.ts by test/infra/streaming-lands-msk-topic-in-raw-bucket,
 * the Node.js version to the lock file by test/local/install-and-build-warn-nothing-a-newcomer-cannot-act-on.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EVENTS_TOPIC, TOPIC } from '../../contract';
import { BUNDLED_EVENTS } from '../../local/pipeline/behaviour';
import { BUNDLED_ROWS } from '../../local/pipeline/run';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const costs = readFileSync(join(ROOT, 'docs', 'costs.md'), 'utf8');
const HOURS_A_MONTH = 730;

/** The rows of the markdown table that follows `heading` (up to its total row), as cells. */
const tableAfter = (text: string, heading: string): string[][] => {
  const rest = text.slice(text.indexOf(heading));
  assert.ok(rest.length > 0, `docs/costs.md has "${heading}"`);
  const rows = rest.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const table: string[][] = [];
  for (const row of rows.slice(2)) {
    table.push(row);
    if (row[0].includes('Total') || row[0].includes('total')) break;
  }
  return table;
};
/** The dollar figure of a cell: `$13.14` → 13.14; `cents`, `$0`, and a bound (`< $1`) → 0. */
const dollars = (cell: string): number => (cell.startsWith('<') ? 0 : Number(/\$([\d,.]+)/.exec(cell)?.[1].replace(/,/g, '') ?? 0));
/** Rows priced per use elsewhere (`per million lookups ≈ $1.35`) are not part of a total. */
const inTotal = (row: string[]): boolean => !row[2].startsWith('per ');
const readmeFigure = (label: string): number => {
  const row = readme.split('\n').find((l) => l.startsWith(`| ${label}`));
  assert.ok(row, `the README's cost table has "${label}"`);
  return dollars(row.split('|')[2]);
};

test('the README is short and tells no project history', () => {
  assert.ok(readme.split('\n').length <= 150, `${readme.split('\n').length} lines`);
  assert.doesNotMatch(readme, /\b[Ii]ssue \d|\bbench\d|\bsession \d|\bwas tried\b|\bdropped\b/);
});

test("the README's demo data is what `npm run local` generates", () => {
  const match = /\(([\d,]+) order lines and ([\d,]+) clickstream events/.exec(readme);
  assert.ok(match, 'the README says how much demo data there is');
  assert.deepEqual([Number(match[1].replace(/,/g, '')), Number(match[2].replace(/,/g, ''))], [BUNDLED_ROWS, BUNDLED_EVENTS]);
});

test('the idle cost adds up from its rows, with the partitions the contract creates', () => {
  const rows = tableAfter(costs, '**Idle');
  const partitions = rows.find((r) => r[0].startsWith('MSK partitions'))!;
  assert.equal(Number(/\((\d+):/.exec(partitions[0])![1]), TOPIC.partitions + EVENTS_TOPIC.partitions);
  assert.equal(dollars(partitions[2]), Math.round((TOPIC.partitions + EVENTS_TOPIC.partitions) * dollars(partitions[1]) * HOURS_A_MONTH * 100) / 100);
  const cluster = rows.find((r) => r[0] === 'MSK Serverless cluster')!;
  assert.equal(dollars(cluster[2]), dollars(cluster[1]) * HOURS_A_MONTH);
  const [total, ...items] = [rows.at(-1)!, ...rows.slice(0, -1)];
  const sum = items.filter(inTotal).reduce((s, r) => s + dollars(r[2]), 0);
  assert.equal(Math.round(sum), dollars(total[2]), `rows add up to ${sum}`);
  assert.equal(readmeFigure('idle'), dollars(total[2]));
  assert.equal(Math.round((dollars(cluster[2]) / sum) * 100), Number(/(\d+) %/.exec(total[2])![1]), 'the MSK share');
});

test('the cost of a million purchase events adds up from its rows', () => {
  const rows = tableAfter(costs, '**Per million events**');
  const [total, ...items] = [rows.at(-1)!, ...rows.slice(0, -1)];
  const sum = items.filter(inTotal).reduce((s, r) => s + dollars(r[2]), 0);
  assert.equal(Math.round(sum * 100) / 100, dollars(total[2]), `rows add up to ${sum}`);
  assert.equal(readmeFigure('ingesting and processing 1 million purchase events'), dollars(total[2]));
  const emr = rows.find((r) => r[0].startsWith('EMR run'))!;
  assert.equal(Math.round(3 * (0.192 + 0.048) * (25 / 60) * 100) / 100, dollars(emr[2]));
  assert.equal(readmeFigure('nightly Spark run'), Math.round(30 * dollars(emr[2])));
});

test("the real-time path's fixed cost: its two workers around the clock, the collector's web ACL, the alarms and the lag reporter", () => {
  const rows = tableAfter(costs, '**Real-time**');
  const row = rows.find((r) => r[0].startsWith('Streaming job idle'))!;
  const [vcpu, gb] = [...row[1].matchAll(/\$([\d.]+)/g)].map((m) => Number(m[1]));
  const workers = 2 * (1 * vcpu + 3 * gb) * HOURS_A_MONTH;
  assert.equal(Math.round(workers), dollars(row[2]));
  // The fixed rows: priced "/ month" (the S3 requests' monthly figure depends on traffic, so it is not one).
  const fixed = rows.filter((r) => /\/ month\*?\*?$/.test(r[2]) && !r[0].startsWith('S3 requests')).reduce((s, r) => s + dollars(r[2]), 0);
  const line = readme.split('\n').find((l) => l.startsWith('| the real-time path'))!;
  assert.deepEqual([...line.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])), [Math.round(fixed), Math.round(workers)], line);
  assert.match(costs, new RegExp(`adds ≈ \\$${Math.round(fixed)} a month \\(the streaming job ≈ \\$${Math.round(workers)}`));
});

test('a month of nightly runs, before and after, follows from the measured seconds in docs/costs.md', () => {
  const start = costs.indexOf('| nightly run | job on `local[2]`');
  assert.ok(start >= 0, 'docs/costs.md has the month-of-nightly-runs table');
  const lines = costs.slice(start).split('\n');
  const rows = lines.slice(2, lines.findIndex((l, i) => i > 0 && !l.startsWith('|'))).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
  const seconds = (row: string[]) => Number(/^([\d,.]+) s/.exec(row[1])![1].replace(/,/g, ''));
  // The cluster: 3 × ($0.192 + $0.048) an hour for 10 minutes of start and overhead plus the job's seconds.
  const perNight = (s: number) => 3 * (0.192 + 0.048) * ((10 + s / 60) / 60);
  for (const row of rows) {
    assert.equal(Number(row[2]), Math.round((10 + seconds(row) / 60) * 10) / 10, row[0]);
    assert.equal(dollars(row[3]), Math.round(perNight(seconds(row)) * 100) / 100, row[0]);
  }
  const find = (start: string) => rows.find((r) => r[0].startsWith(start))!;
  const [before, kept, judging, mix] = [find('before'), find('after, a night keeping'), find('after, the judging night'), find('**after: the week')];
  assert.equal(seconds(mix), Math.round(((6 * seconds(kept) + seconds(judging)) / 7) * 10) / 10, '6 kept nights and 1 judging night a week');
  const month = (row: string[]) => Math.round(30 * perNight(seconds(row)));
  assert.deepEqual([dollars(before[4]), dollars(mix[4])], [month(before), month(mix)]);
  const line = readme.split('\n').find((l) => l.startsWith('| a month of nightly runs'))!;
  assert.match(line, new RegExp(`before ≈ \\$${month(before)}, after ≈ \\$${month(mix)}: .*judges its models once a week`));
});

/**
 * The twin's SQL over what the real Spark jobs write (one run of clean, analyse, recommend, sessions, funnel and
 * categories on the fixtures, test/sql/fixture-lake.ts):
 * - every catalogued table's columns and types are what the jobs wrote: Parquet schemas equal the catalog's
 *   columns exactly; every key of every JSON line is a catalogued column of a matching type;
 * - every named query runs, and where the dashboard or Behaviour page shows the same answer, equals the
 *   document it draws from (money to the cent, ratios to the funnel job's 6 places);
 * - `recstream sql` prints tables, CSV and JSON, and bad SQL gets its message, line and column and exit 2.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAKE, LAKE_TABLES, NAMED_QUERIES, PURCHASES_PARTITION, type AnalyticsDocuments, type FunnelDocument, type LakeTable } from '../../contract';
import { REPO_ROOT } from '../../local/pipeline/spark';
import { WORK_DIR } from '../../local/pipeline/run';
import { TWIN_LAKE } from '../../local/sql/command';
import { openLakeSql, type LakeSql, type SqlAnswer } from '../../local/sql/twin';
import { answerObjects, comparable, expectedFromAnalytics, expectedFromFunnel, FUNNEL_DOCUMENT_QUERIES, PURCHASE_DOCUMENT_QUERIES, readAnalytics, readFunnel } from './documents';
import { EARLIEST_DATED_PURCHASE, fixtureLake } from './fixture-lake';

const objects = (answer: SqlAnswer) => answerObjects(answer.columns, answer.rows);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));

/** DuckDB's reading of a Parquet column type, as the Hive type Glue declares. */
const HIVE_OF_PARQUET: Record<string, string> = {
  VARCHAR: 'string',
  BIGINT: 'bigint',
  INTEGER: 'int',
  DOUBLE: 'double',
  BOOLEAN: 'boolean',
  DATE: 'date',
  // Spark writes TIMESTAMP_MICROS adjusted to UTC; Athena reads it as `timestamp`.
  'TIMESTAMP WITH TIME ZONE': 'timestamp',
};
const hiveOf = (duck: string): string => HIVE_OF_PARQUET[duck] ?? duck.replace(/^DECIMAL\((\d+),(\d+)\)$/, 'decimal($1,$2)');

/** Whether a JSON value can be read as a column of this Hive type (null fits every type). */
const fits = (value: unknown, hive: string): boolean => {
  if (value === null) return true;
  if (hive === 'string') return typeof value === 'string';
  if (hive === 'bigint' || hive === 'int') return Number.isInteger(value);
  if (hive === 'double') return typeof value === 'number';
  if (hive === 'boolean') return typeof value === 'boolean';
  const array = /^array<(.*)>$/.exec(hive);
  if (array) return Array.isArray(value) && value.every((v) => fits(v, array[1]));
  const struct = /^struct<(.*)>$/.exec(hive);
  if (struct && typeof value === 'object' && !Array.isArray(value)) {
    const fields = new Map<string, string>();
    let depth = 0;
    let start = 0;
    const body = struct[1];
    for (let i = 0; i <= body.length; i++) {
      const ch = body[i];
      if (ch === '<') depth++;
      else if (ch === '>') depth--;
      else if ((ch === ',' && depth === 0) || i === body.length) {
        const field = body.slice(start, i);
        fields.set(field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1));
        start = i + 1;
      }
    }
    return Object.entries(value as Record<string, unknown>).every(([k, v]) => fields.has(k) && fits(v, fields.get(k)!));
  }
  return false;
};

describe('the twin answers SQL over the jobs output with the catalog and the dashboards', { timeout: 600_000 }, () => {
  let lake: string;
  let sql: LakeSql;
  let documents: AnalyticsDocuments;
  let funnel: FunnelDocument;
  const answers = new Map<string, Record<string, unknown>[]>();

  before(async () => {
    lake = await fixtureLake();
    sql = await openLakeSql(lake);
    documents = readAnalytics(lake);
    funnel = readFunnel(lake);
    for (const query of NAMED_QUERIES) answers.set(query.name, objects(await sql.query(query.sql)));
  });
  after(() => sql?.close());

  describe('the catalog is what the jobs write', () => {
    it('every table has files in the fixture lake, so every check below reads real output', () => {
      assert.deepEqual(sql.tables.filter((t) => !t.present).map((t) => t.table.name), []);
    });

    for (const table of LAKE_TABLES.filter((t) => t.format === 'parquet'))
      it(`${table.name}: the Parquet columns and types equal the catalog's`, async () => {
        const db = await (await DuckDBInstance.create(':memory:')).connect();
        const glob = table.partition ? join(lake, table.prefix, `${table.partition.column}=*`, '*.parquet') : join(lake, table.prefix, '*.parquet');
        const options = table.partition ? `hive_partitioning = true, hive_types = {'${table.partition.column}': 'VARCHAR'}` : 'hive_partitioning = false';
        const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${glob}', ${options})`)).getRowObjectsJson();
        const written = described.map((r) => `${r.column_name} ${hiveOf(String(r.column_type))}`).filter((c) => !table.partition || !c.startsWith(`${table.partition.column} `));
        assert.deepEqual(written.sort(), table.columns.map((c) => `${c.name} ${c.type}`).sort());
        db.closeSync();
      });

    const jsonLines = (table: LakeTable) =>
      filesUnder(join(lake, table.prefix))
        .filter((f) => f.endsWith('.json') && !/\/[._][^/]*$/.test(f))
        .flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));

    for (const table of LAKE_TABLES.filter((t) => t.format === 'json'))
      it(`${table.name}: every key of every JSON line is a catalogued column of a matching type`, () => {
        const records = jsonLines(table);
        assert.ok(records.length > 0, `${table.prefix} has rows`);
        const types = new Map(table.columns.map((c) => [c.name, c.type]));
        const misfits = records.flatMap((r) => Object.entries(r).filter(([k, v]) => !types.has(k) || !fits(v, types.get(k)!)).map(([k, v]) => `${k}=${JSON.stringify(v)}`));
        assert.deepEqual([...new Set(misfits)], []);
      });

    it('the undated line items are exactly the month=undated partition, and purchases holds every other', async () => {
      const count = async (q: string) => Number((await sql.query(q)).rows[0][0]);
      const curated = filesUnder(join(lake, LAKE.curatedPrefix)).filter((f) => f.endsWith('.parquet'));
      assert.ok(curated.some((f) => f.includes('/month=undated/')), 'the fixture has undated line items');
      assert.equal(await count('SELECT count(*) FROM purchases_undated WHERE event_time IS NOT NULL'), 0);
      assert.equal(await count('SELECT count(*) FROM purchases WHERE event_time IS NULL'), 0);
      assert.equal(await count("SELECT count(*) FROM purchases WHERE month <> substr(CAST(event_time AS varchar), 1, 7)"), 0);
    });

    it(`the earliest month clean dates is the first month Athena projects (${PURCHASES_PARTITION.firstMonth}), so none of its rows vanish from purchases`, async () => {
      const month = EARLIEST_DATED_PURCHASE.event_time.slice(0, 7);
      assert.equal(month, PURCHASES_PARTITION.firstMonth);
      assert.equal(documents.monthly_sales[0].month, month, 'clean dated the line item and the dashboard shows its month');
      const shown = (await sql.query(`SELECT count(*), sum(price) FROM purchases WHERE month = '${month}'`)).rows[0];
      assert.deepEqual(shown.map(String), ['1', EARLIEST_DATED_PURCHASE.price]);
    });
  });

  describe('each named query equals what the site shows', () => {
    const checked = new Set<string>();
    const check = (name: string, title: string, body: (rows: Record<string, unknown>[]) => void | Promise<void>) => {
      checked.add(name);
      it(`${name}: ${title}`, async () => {
        const rows = answers.get(name)!;
        assert.ok(rows.length > 0, `${name} has rows on the fixture`);
        await body(rows);
      });
    };

    for (const name of PURCHASE_DOCUMENT_QUERIES)
      check(name, `equals (the first rows of) the analytics document the dashboard draws, to the cent`, (rows) => {
        const expected = expectedFromAnalytics(name, documents);
        assert.ok(expected.rows.length > 0);
        assert.deepEqual(comparable(rows, expected), expected.rows);
      });
    for (const name of FUNNEL_DOCUMENT_QUERIES)
      check(name, 'equals (the first rows of) the session funnel the Behaviour page draws', (rows) => {
        const expected = expectedFromFunnel(name, funnel);
        assert.ok(expected.rows.length > 1, `the fixture's funnel has several rows for ${name}`);
        assert.deepEqual(comparable(rows, expected), expected.rows);
      });

    check('repeat_customers', 'counts the customers of purchase_frequency.json with two or more orders', (rows) => {
      const [row] = rows;
      const repeat = documents.purchase_frequency.filter((b) => b.orders >= 2).reduce((n, b) => n + b.customers, 0);
      assert.equal(row.customers, documents.summary.customers);
      assert.equal(row.repeat_customers, repeat);
      assert.equal(row.repeat_share, Math.round((repeat / documents.summary.customers) * 1e6) / 1e6);
    });
    check('cohort_by_first_month', 'puts every known customer with a dated purchase in one cohort, returning customers at most the cohort', async (rows) => {
      const dated = Number((await sql.query('SELECT count(DISTINCT user_id) FROM purchases')).rows[0][0]);
      assert.equal(rows.reduce((n, r) => n + (r.customers as number), 0), dated);
      for (const r of rows) for (const k of ['month_1', 'month_2', 'month_3']) assert.ok((r[k] as number) <= (r.customers as number));
      assert.deepEqual(rows.map((r) => r.cohort), documents.monthly_sales.map((m) => m.month).filter((m) => rows.some((r) => r.cohort === m)));
    });
    check('viewed_not_bought', 'lists viewed products no event bought, most viewing sessions first', async (rows) => {
      const bought = new Set((await sql.query("SELECT DISTINCT product_id FROM events WHERE event_type = 'purchase'")).rows.map((r) => r[0]));
      assert.deepEqual(rows.filter((r) => bought.has(r.product_id)), []);
      const counts = rows.map((r) => r.viewing_sessions as number);
      assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
    });

    check('viewers_who_never_bought', 'lists shoppers with views and no purchase event, most sessions first, each counted as a recount of their events', async (rows) => {
      const events = objects(await sql.query('SELECT user_id, session_id, event_type, event_ts FROM events WHERE user_id IS NOT NULL'));
      const byUser = new Map<string, { sessions: Set<unknown>; views: number; carts: number; purchases: number; last: string }>();
      for (const e of events) {
        const u = byUser.get(e.user_id as string) ?? { sessions: new Set(), views: 0, carts: 0, purchases: 0, last: '' };
        u.sessions.add(e.session_id);
        if ((e.event_ts as string) > u.last) u.last = e.event_ts as string;
        if (e.event_type === 'view') u.views++;
        if (e.event_type === 'cart') u.carts++;
        if (e.event_type === 'purchase') u.purchases++;
        byUser.set(e.user_id as string, u);
      }
      const expected = [...byUser.entries()]
        .filter(([, u]) => u.views > 0 && u.purchases === 0)
        .map(([user_id, u]) => ({ user_id, sessions: u.sessions.size, views: u.views, carts: u.carts, last_event: u.last }))
        .sort((a, b) => b.sessions - a.sessions || b.views - a.views || (a.user_id < b.user_id ? -1 : 1))
        .slice(0, 100);
      assert.ok(byUser.size > expected.length, 'the fixture has buyers too');
      assert.deepEqual(rows, expected);
    });

    it('every named query has a check above', () => assert.deepEqual([...checked].sort(), NAMED_QUERIES.map((q) => q.name).sort()));
  });

  describe('recstream sql', () => {
    const recstream = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'bin', 'recstream.ts'), 'sql', '--lake', lake, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });

    it('reads the lake `recstream run` leaves by default', () => assert.equal(TWIN_LAKE, join(WORK_DIR, 'lake')));

    it('prints a named query as CSV and JSON with the values of the table format', () => {
      const csv = recstream('--named', 'monthly_revenue', '--format', 'csv');
      const json = recstream('--named', 'monthly_revenue', '--format', 'json');
      assert.equal(csv.status, 0, csv.stderr);
      assert.equal(json.status, 0, json.stderr);
      const expected = documents.monthly_sales;
      assert.deepEqual(JSON.parse(json.stdout), expected);
      assert.equal(csv.stdout, ['month,revenue,orders,units', ...expected.map((m) => `${m.month},${m.revenue.toFixed(2)},${m.orders},${m.units}`)].map((l) => `${l}\r\n`).join(''));
    });

    it('prints free SQL as an aligned table, its row count on stderr', () => {
      const run = recstream("SELECT brand, count(*) AS line_items FROM purchases WHERE brand IN ('samsung', 'apple') GROUP BY brand ORDER BY brand");
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^brand\s+line_items\n-+\s+-+\napple\s+\d+\nsamsung\s+\d+\n$/);
      assert.match(run.stderr, /\(2 rows in \d+\.\d\d s\)/);
    });

    it('answers bad SQL with the error, its line and column, and exit 2', () => {
      const run = recstream('SELECT brand,\n  count(*) FROM purchases\n  GROUP BY brnd');
      assert.equal(run.status, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /^recstream sql: Binder Error: Referenced column "brnd" not found/);
      assert.match(run.stderr, /line 3, column 12:\n {4}GROUP BY brnd\n {13}\^/);
    });

    it('names an unknown table, a missing FROM end and an unknown named query, each with exit 2', () => {
      const table = recstream('SELECT * FROM purchase');
      assert.equal(table.status, 2);
      assert.match(table.stderr, /Table with name purchase does not exist/);
      const end = recstream('SELECT * FROM purchases WHERE');
      assert.equal(end.status, 2);
      assert.match(end.stderr, /syntax error at end of input\n {2}line 1, column 30:/);
      const named = recstream('--named', 'revenue_by_colour');
      assert.equal(named.status, 2);
      assert.match(named.stderr, /no named query 'revenue_by_colour'; there are: summary, monthly_revenue/);
    });

    it("runs the README's worked query", () => {
      const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
      const query = /recstream\.ts sql "([^"]+)"/.exec(readme)?.[1];
      assert.ok(query, 'the README shows a query');
      const run = recstream('--format', 'json', query);
      assert.equal(run.status, 0, run.stderr);
      const rows = JSON.parse(run.stdout) as { brand: string; revenue: number }[];
      assert.equal(rows.length, 5);
      assert.deepEqual(Object.keys(rows[0]), ['brand', 'revenue']);
    });

    it('prints a progress line while a long query runs, and Ctrl-C stops it: exit 130', async () => {
      // Forty billion rows: minutes of work, stopped after its first progress line (killed outright after 60 s).
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'bin', 'recstream.ts'), 'sql', '--lake', lake, 'SELECT count(*) FROM range(40000000000) t(i) WHERE i % 7 = 3'], { cwd: REPO_ROOT });
      let stderr = '';
      let interrupted = false;
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!interrupted && /^sql: (\d+% done|running) after \d+ s$/m.test(stderr)) {
          interrupted = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      clearTimeout(guard);
      assert.equal(code, 130, stderr);
      assert.match(stderr, /recstream sql: interrupted \(Ctrl-C\)\n$/);
    });

    it('lists the tables and named queries', () => {
      const run = recstream('--list');
      assert.equal(run.status, 0, run.stderr);
      for (const name of [...LAKE_TABLES.map((t) => t.name), ...NAMED_QUERIES.map((q) => q.name)]) assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'));
    });

    it('says when there is no lake yet, exit 1', () => {
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'bin', 'recstream.ts'), 'sql', '--lake', join(lake, 'nowhere'), 'SELECT 1'], { cwd: REPO_ROOT, encoding: 'utf8' });
      assert.equal(run.status, 1);
      assert.match(run.stderr, /no lake at .*nowhere: run the twin first/);
      assert.ok(statSync(lake).isDirectory());
    });
  });
});

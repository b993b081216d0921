/**
 * `recstream sql` is read-only (local/sql/twin.ts): only one SELECT runs, it reads no file outside the lake
 * folder, and it writes nothing, whatever the query tries. The lake here holds the committed behaviour golden's
 * sessions and top categories (what the real jobs wrote), so the tables are real output, not made up.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BEHAVIOUR_LAKE } from '../../contract';
import { REPO_ROOT } from '../../local/pipeline/spark';
import { openLakeSql, SqlError, type LakeSql } from '../../local/sql/twin';

const GOLDEN = join(REPO_ROOT, 'test', 'fixtures', 'behaviour-golden');

const everyFile = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .map((e) => join(e.parentPath, e.name))
    .sort();

describe('the twin SQL reads only the lake and writes nothing', () => {
  let lake: string;
  let outside: string;
  let sql: LakeSql;
  let before_: string[];

  before(async () => {
    lake = mkdtempSync(join(tmpdir(), 'recstream-sql-readonly-'));
    for (const prefix of [BEHAVIOUR_LAKE.sessionsPrefix, BEHAVIOUR_LAKE.topCategoriesPrefix]) cpSync(join(GOLDEN, prefix), join(lake, prefix), { recursive: true });
    // A file beside the lake, in a folder whose name starts with the lake's: a prefix check on strings would let it through.
    outside = `${lake}-secret`;
    writeFileSync(outside, 'not for the analyst\n');
    // A link inside the lake to a folder outside it.
    symlinkSync(tmpdir(), join(lake, 'curated', 'to-tmp'));
    sql = await openLakeSql(lake);
    before_ = everyFile(lake);
  });
  after(() => {
    sql?.close();
    rmSync(lake, { recursive: true, force: true });
    rmSync(outside, { force: true });
  });

  const refused = async (query: string, why: RegExp) => {
    await assert.rejects(sql.query(query), (error: Error) => {
      assert.ok(error instanceof SqlError, `${query}: ${error.message}`);
      assert.match(error.message, why);
      return true;
    });
  };

  it('answers from the tables it has', async () => {
    const answer = await sql.query('SELECT count(*) AS sessions, sum(purchases) AS purchases FROM sessions');
    assert.ok(Number(answer.rows[0][0]) > 1000);
    assert.deepEqual(sql.tables.filter((t) => t.present).map((t) => t.table.name), ['sessions', 'top_categories']);
    // A table without files is empty, with its columns, as on Athena (a lake without undated line items has no month=undated folder).
    const empty = await sql.query('SELECT * FROM purchases_undated');
    assert.deepEqual([empty.rows.length, empty.columns.length], [0, 9]);
  });

  for (const [statement, type] of [
    [`COPY (SELECT * FROM sessions) TO '${'LAKE'}/copy.csv'`, 'COPY'],
    ['CREATE TABLE kept AS SELECT * FROM sessions', 'CREATE'],
    ['DROP VIEW sessions', 'DROP'],
    [`ATTACH '${'LAKE'}/new.duckdb' AS other`, 'ATTACH'],
    ['SET enable_external_access = true', 'SET'],
    ['RESET lock_configuration', 'SET'],
    ['INSTALL httpfs', 'LOAD'],
    ["PRAGMA memory_limit = '1TB'", 'SET'],
  ] as const)
    it(`refuses ${type}: ${statement.split(' ').slice(0, 2).join(' ')}`, () =>
      refused(statement.replace('LAKE', lake), new RegExp(`only SELECT runs here \\(this is ${type}\\)`)),
    );

  // DuckDB refuses this one while preparing it, before the statement-type check: a view is not a table.
  it('refuses INSERT into a table view', () => refused('INSERT INTO sessions SELECT * FROM sessions', /Catalog Error: sessions is not an table/));

  it('refuses two statements in one go, the second one hidden after a SELECT', () => refused(`SELECT 1; COPY (SELECT 1) TO '${lake}/x.csv'`, /give one SELECT statement, not 2/));

  for (const [what, path] of [
    ['a system file', '/etc/passwd'],
    ['a file beside the lake whose name starts with the lake folder', 'OUTSIDE'],
    ['a path that climbs out of the lake', 'LAKE/../../etc/passwd'],
    ['a link inside the lake to a folder outside it', 'LAKE/curated/to-tmp/x'],
    ['a glob over the whole disk', '/*'],
    ['a URL', 'https://example.com/data.csv'],
  ] as const)
    it(`refuses to read ${what}`, () => refused(`SELECT * FROM read_text('${path.replace('LAKE', lake).replace('OUTSIDE', outside)}')`, /Permission Error: Cannot access file .*\nThe twin's SQL reads only the lake folder/));

  it('wrote nothing in the lake', () => assert.deepEqual(everyFile(lake), before_));
});

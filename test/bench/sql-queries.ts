/**
 * bench:sql's DuckDB side, in a process of its own so its peak memory is DuckDB's and nothing else's:
 * opens the twin's SQL over a lake (local/sql/twin.ts), runs each named query twice (first = cold: the
 * files read for the first time in this process; second = warm: the OS page cache and DuckDB's metadata
 * cache), and prints one JSON line: seconds per query, the answers of the first run, and the process's
 * resident memory before DuckDB opened and at its peak.
 *
 * usage: tsx test/bench/sql-queries.ts LAKE NAME[,NAME...]
 */
import { namedQuery } from '../../contract/named-queries';
import { openLakeSql } from '../../local/sql/twin';

const main = async () => {
  const [lake, names] = process.argv.slice(2);
  const baseMiB = process.memoryUsage().rss / 2 ** 20;
  const opening = process.hrtime.bigint();
  const sql = await openLakeSql(lake);
  const openSeconds = Number(process.hrtime.bigint() - opening) / 1e9;
  const queries = [];
  for (const name of names.split(',')) {
    const query = namedQuery(name);
    if (!query) throw new Error(`no named query ${name}`);
    const cold = await sql.query(query.sql);
    const warm = await sql.query(query.sql);
    queries.push({ name, cold: cold.seconds, warm: warm.seconds, columns: cold.columns, rows: cold.rows });
  }
  sql.close();
  // ru_maxrss is in KiB on Linux: the most this process ever held resident, DuckDB's buffers included.
  console.log(JSON.stringify({ openSeconds, baseMiB, peakMiB: process.resourceUsage().maxRSS / 1024, queries }));
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

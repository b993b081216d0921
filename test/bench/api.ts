/**
 * npm run bench:api — the serving path, each number beside an anchor measured
 * in the same run:
 *   1. loader: recommend output (JSON lines) into the in-memory store vs just reading the lines;
 *   2. handleRequest latency in-process (p50/p99) per route vs GET /health;
 *   3. the local HTTP server under autocannon on loopback: the recommendations
 *      route vs a static file of the same server (server in a child process);
 *   4. the Lambda bundle (esbuild, minified, SDK bundled, like lib/functions.ts)
 *      and its cold init (require in a fresh node) vs a trivial handler and a
 *      bare DynamoDB client.
 * Options: --users N (default 100000), --seconds S per autocannon run (default 8).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { buildSync } from 'esbuild';
import { LAKE, LAMBDA_ENV } from '../../contract';
import { cachedFallback, handleRequest, type ApiDeps } from '../../lambdas/api/router';
import { lines } from '../../lambdas/shared/serving/lake';
import { folderLake } from '../../local/server/folder-lake';
import { startLocalServer } from '../../local/server/server';
import { loadLocalServing } from '../../local/server/serving';
import { UNKNOWN_USER, writeSeedLake } from '../api/seed';
import { ensureBuiltSite, ROOT, WEB_DIST } from '../web/site';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const USERS = arg('users', 100_000);
const SECONDS = arg('seconds', 8);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const table = (title: string, header: string[], rows: (string | number)[][]) => {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log('  ' + r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '));
    if (i === 0) console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  }
};
const userId = (i: number): string => String(1515915625000000000n + BigInt(i));

/** Child role: serve the seeded lake and the built site, print the URL, wait to be killed. */
const serve = async (lakeDir: string) => {
  const serving = await loadLocalServing(lakeDir);
  const server = await startLocalServer({ webDir: WEB_DIST, ...serving, runtimeConfig: { apiUrl: '', auth: null } });
  console.log(JSON.stringify({ url: server.url }));
};

const benchLoader = async (lakeDir: string) => {
  const lake = folderLake(lakeDir);
  const keys = await lake.list(LAKE.recommendationsPrefix);
  let t = process.hrtime.bigint();
  let count = 0;
  for (const key of keys) for await (const line of lines((await lake.open(key))!)) if (line) count++;
  const readMs = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  const serving = await loadLocalServing(lakeDir);
  const loadMs = Number(process.hrtime.bigint() - t) / 1e6;
  table(`1. Loader: ${fmt(count, 0)} recommendation lines into the in-memory store`, ['', 'ms', 'lines/s', 'ratio'], [
    ['read lines only (anchor)', fmt(readMs), fmt((count / readMs) * 1000, 0), '1.0'],
    ['parse + validate + store', fmt(loadMs), fmt((serving.report.lines / loadMs) * 1000, 0), fmt(loadMs / readMs, 2)],
  ]);
  return serving;
};

const benchHandler = async (deps: ApiDeps) => {
  const N = 50_000;
  const routes: [string, (i: number) => string][] = [
    ['GET /health (anchor)', () => '/health'],
    ['GET recommendations, known user', (i) => `/users/${userId(i % USERS)}/recommendations`],
    ['GET recommendations, fallback', () => `/users/${UNKNOWN_USER}/recommendations`],
    ['GET recommendations, bad id (400)', () => '/users/12ab/recommendations'],
    ['GET /analytics/top_customers', () => '/analytics/top_customers'],
  ];
  const rows: (string | number)[][] = [];
  let anchorP50 = 0;
  for (const [name, path] of routes) {
    const runs = name.startsWith('GET /analytics') ? N / 25 : N; // reads a file each time
    for (let i = 0; i < 2000; i++) await handleRequest({ method: 'GET', path: path(i), headers: {}, requestId: 'b' }, deps); // warm-up
    const us: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const r = await handleRequest({ method: 'GET', path: path(i), headers: {}, requestId: 'bench' }, deps);
      us.push(Number(process.hrtime.bigint() - t) / 1e3);
      if (r.status >= 500) throw new Error(`${name}: ${r.status} ${r.body}`);
    }
    us.sort((a, b) => a - b);
    const p50 = percentile(us, 50);
    if (!anchorP50) anchorP50 = p50;
    rows.push([name, fmt(runs, 0), fmt(p50, 1), fmt(percentile(us, 99), 1), fmt(p50 / anchorP50, 1)]);
  }
  table('2. handleRequest in-process (memory store, µs)', ['route', 'requests', 'p50 µs', 'p99 µs', 'p50 ratio'], rows);
};

const startServerChild = async (lakeDir: string): Promise<{ url: string; child: ChildProcess }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--serve', lakeDir], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('{')) return { url: (JSON.parse(line) as { url: string }).url, child };
  }
  throw new Error('bench server exited before printing its URL');
};

const benchHttp = async (lakeDir: string) => {
  const { url, child } = await startServerChild(lakeDir);
  try {
    const run = (title: string, path: (i: number) => string) => {
      let i = 0;
      return autocannon({
        url,
        title,
        connections: 32,
        duration: SECONDS,
        requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: path(i++) }) }],
      });
    };
    console.log(`\n3. Local HTTP server on loopback, autocannon 32 connections × ${SECONDS}s per route (server in a child process)…`);
    const api = await run('recommendations', (i) => `/users/${userId((i * 7919) % USERS)}/recommendations`);
    const site = await run('static', () => '/index.html');
    const rows = [
      ['GET /index.html (static, anchor)', site] as const,
      ['GET /users/{id}/recommendations', api] as const,
    ].map(([name, r]) => [
      name,
      fmt(r.requests.average, 0),
      fmt(r.latency.p50, 0),
      fmt(r.latency.p99, 0),
      fmt(r.throughput.average / r.requests.average, 0),
      String(r.non2xx + r.errors),
      fmt(r.requests.average / site.requests.average, 2),
    ]);
    table('   results', ['route', 'req/s', 'p50 ms', 'p99 ms', 'bytes/req', 'non-2xx+errors', 'req/s ratio'], rows);
  } finally {
    child.kill('SIGTERM');
  }
};

const coldInitMs = (bundle: string, env: NodeJS.ProcessEnv): number => {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundle)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const out = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`requiring ${bundle} failed: ${out.stderr}`);
  return Number(out.stdout);
};

const benchBundle = () => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-bench-bundle-'));
  try {
    writeFileSync(join(dir, 'trivial.ts'), 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n');
    writeFileSync(
      join(dir, 'dynamodb-only.ts'),
      `import { DynamoDBClient } from '${join(ROOT, 'node_modules/@aws-sdk/client-dynamodb')}';\nconst client = new DynamoDBClient({});\nexport const handler = async () => client.config.region();\n`,
    );
    const entries: [string, string][] = [
      ['trivial handler (anchor)', join(dir, 'trivial.ts')],
      ['bare DynamoDBClient (SDK floor)', join(dir, 'dynamodb-only.ts')],
      ['lambdas/api/handler.ts', join(ROOT, 'lambdas/api/handler.ts')],
      ['lambdas/load-recommendations/handler.ts', join(ROOT, 'lambdas/load-recommendations/handler.ts')],
    ];
    const env = { [LAMBDA_ENV.tableName]: 'bench', [LAMBDA_ENV.lakeBucket]: 'bench', AWS_REGION: 'eu-west-1' };
    const RUNS = 21;
    const bundles = entries.map(([name, entry], i) => {
      const outfile = join(dir, `${i}.js`);
      buildSync({ entryPoints: [entry], outfile, bundle: true, minify: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' });
      return { name, outfile, kb: statSync(outfile).size / 1024, ms: [] as number[] };
    });
    // Round-robin, so load from other work on the machine hits every bundle alike.
    for (let r = 0; r < RUNS; r++) for (const b of bundles) b.ms.push(coldInitMs(b.outfile, env));
    const p50s = bundles.map((b) => percentile(b.ms.sort((x, y) => x - y), 50));
    const rows = bundles.map((b, i) => [b.name, fmt(b.kb, 1), fmt(p50s[i], 1), fmt(percentile(b.ms, 90), 1), fmt(p50s[i] - p50s[0], 1)]);
    table(`4. Lambda bundles (esbuild --bundle --minify, node20, SDK bundled) and cold init: require() in a fresh node, ${RUNS} runs`, ['bundle', 'KiB', 'init p50 ms', 'init p90 ms', '+ms vs anchor'], rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const main = async () => {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt > 0) return serve(process.argv[serveAt + 1]);

  ensureBuiltSite();
  console.log(`bench:api on node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${USERS.toLocaleString('en-US')} users in the store`);
  const lakeDir = writeSeedLake(USERS);
  try {
    const serving = await benchLoader(lakeDir);
    await benchHandler({ ...serving, fallback: cachedFallback(serving.recommendations) });
    await benchHttp(lakeDir);
    benchBundle();
  } finally {
    rmSync(lakeDir, { recursive: true, force: true });
  }
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

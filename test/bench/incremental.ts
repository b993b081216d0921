/**
 * npm run bench:incremental — issue 26: a night's run costs what the new data costs, not what the history costs.
 *
 * For each history size (default 1M, 4M, 16M generated rows; --sizes 1000000,4000000 to choose), on local[2]:
 * 1. the history is processed once (`main.py pipeline --full` on a fresh lake);
 * 2. a night of 100,000 new rows lands (--night N) and the pipeline runs incrementally: the measured run, on a
 *    fresh copy of the history for each kind of night (`--nights kept,judged`, both by default):
 *    - kept: the pipeline as a store runs it six nights a week, without flags: the recommender keeps the last
 *      evaluation while the cadence allows (recommend/cadence.py; the generated night falls on the history's
 *      last day, so it does), fits ALS on every purchase and scores every customer's candidates;
 *    - judged: the same night with `--evaluate`, as the one night a week (als.evaluateEveryDays) that judges
 *      every model again;
 * 3. anchor (a): the same 100,000 rows alone on an empty lake (a first run: it judges every model);
 * 4. anchor (b): a full run on history + night (`--full --evaluate`, as the step plan runs a rebuild).
 * Each a fresh spark-submit (JVM start included), timed, with its clean / recommend / analyse split from the
 * jobs' progress lines (clean from the start to its last line; recommend and analyse, which run side by side
 * after it, each from clean's last line to its own) and the peak resident memory of its largest process (the
 * driver JVM, sampled with ps every 0.5 s; the Python workers are not added). Each night prints its run
 * record's `evaluation.reason` (kept or judged, and why). Ratios printed beside each time, and the
 * goal: a night ≤ 1.5 × (a) + that night's model fit (its recommend seconds), flat in history.
 *
 * Generated history grows in length at one store's density: 1M rows is the generator's seven months
 * (2020-01..07); every further million is the same generator (another seed) moved 213 days further back, so
 * 4M is ~2.3 years and 16M ~9.3 years of one store. The night's rows (another seed) all fall on 2020-07-31,
 * the history's last day: a night rewrites July, whose size is the same at every history size.
 * The generator's own data is not the real store's; the real data (1M rows, 2020-01..07, nothing from Aug 2020
 * on) runs as one more point when ../shared is present: its first 40 Firehose objects as the history, the
 * last 5 as the night (`--no-real` leaves it out). Run under `flock /tmp/recstream-bench.lock`; `uptime` is printed at start and end.
 *
 * Step 1 is setup, not a measurement: its lake is kept under .work/incremental-bench/history-<size>-<seed>/,
 * and later bench runs start from a copy of it (printed: when and at what load it was made, and which files
 * of emr-jobs/recstream_jobs changed since). A store's history holds an evaluation by the code that runs its
 * night, so when the kept lake's last recommender run was judged by other code (its run record's code_version),
 * setup judges it again (`main.py recommend --evaluate` on the kept lake, printed with its time and load) before
 * any night is copied from it. `--prepare` only builds (and judges) these lakes, so they can be made outside
 * the lock (under nice) and the locked run measures only the nights and their anchors.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EVALUATE_FLAG, FULL_FLAG, LAKE, type RecommenderHistory, type RecommenderRun } from '../../contract';
import { DEFAULT_SEED } from '../../local/generator/generate';
import { writePurchasesFirehose } from '../../local/generator/purchases-firehose';
import { EMR_JOBS, printTable, ROOT, spawnSparkSubmit, stderrErrors, treeRssKiB } from './spark-submit';

const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const SIZES = (option('--sizes') ?? '1000000,4000000,16000000').split(',').map(Number);
const NIGHT_ROWS = Number(option('--night') ?? 100_000);
const SEED = option('--seed') ?? String(DEFAULT_SEED);
const MASTER = option('--master') ?? 'local[2]';
const PREPARE = process.argv.includes('--prepare');
/** `--no-full-at 4000000`: history sizes whose anchor (b) is not run (a full run of 4M takes ~20 min: a bench run stays ~15 min). */
const NO_FULL_AT = (option('--no-full-at') ?? '').split(',').filter(Boolean).map(Number);
/** `--no-real`: leave out the real-data point even when ../shared is present (a shorter locked run). */
const REAL_POINT = !process.argv.includes('--no-real');
const NIGHT_KINDS = ['kept', 'judged'] as const;
type NightKind = (typeof NIGHT_KINDS)[number];
/** `--nights kept,judged`: which nights to measure (a judged night of 4M history takes ~12 min: one per locked run). */
const NIGHTS = (option('--nights') ?? NIGHT_KINDS.join(',')).split(',') as NightKind[];
const BLOCK_ROWS = 1_000_000;
/** 2020-01-01..2020-07-31: the generator's window, the step between history blocks. */
const BLOCK_DAYS = 213;
const NIGHT_DAY = '2020-07-31';
const REAL = resolve(ROOT, '..', 'shared', 'data', 'electronics', 'firehose-objects');
const WORK = join(ROOT, '.work', 'incremental-bench');

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();
const stamp = (): string => `${new Date().toISOString().slice(0, 16)}Z, ${uptime().replace(/.*load/, 'load')}`;

type Run = { seconds: number; peakMiB: number; stages: Record<string, number> };

/**
 * One `main.py` job: wall seconds, each job's seconds, peak RSS. Clean runs from the start to its last progress
 * line; recommend and analyse run side by side after it (pipeline.py), each from clean's last line (or the start,
 * in a run without clean) to its own last line.
 */
const sparkJob = (label: string, args: string[]): Promise<Run> =>
  new Promise((done, fail) => {
    console.log(`\n== ${label}`);
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    const child = spawnSparkSubmit(MASTER, join(EMR_JOBS, 'main.py'), args);
    const last: Record<string, number> = {};
    createInterface({ input: child.stdout }).on('line', (line) => {
      const job = /^\[(clean|recommend|analyse|pipeline) /.exec(line)?.[1];
      if (!job) return;
      last[job] = elapsed();
      console.log(`  +${fmt(elapsed())}s ${line.trim().slice(0, 200)}`);
    });
    const stderr = stderrErrors(child);
    let peakKiB = 0;
    const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, largestRssKiB(child.pid ?? 0))), 500);
    child.on('error', fail);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = elapsed();
      if (code !== 0) return fail(stderr.failure(label, code));
      const cleaned = last.clean ?? 0;
      const stages: Record<string, number> = {};
      if (last.clean !== undefined) stages.clean = cleaned;
      for (const job of ['recommend', 'analyse']) if (last[job] !== undefined) stages[job] = last[job] - cleaned;
      console.log(`  ${fmt(seconds)} s, peak ${fmt(peakKiB / 1024, 0)} MiB (largest process)`);
      done({ seconds, peakMiB: peakKiB / 1024, stages });
    });
  });

const pipeline = (label: string, lake: string, extra: string[] = []): Promise<Run> => sparkJob(label, ['pipeline', '--lake', lake, ...extra]);

/** The resident set of the largest process under `root` (the driver JVM), in KiB. */
const largestRssKiB = (root: number): number => Math.max(0, ...treeRssKiB(root));

const DATE = /"event_time":"(\d{4}-\d{2}-\d{2})/g;
const shiftDate = (date: string, days: number): string => (date.startsWith('1970') ? date : new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10));

/** Generated Firehose objects (seed `seed`) with every event date rewritten by `redate`, cached under `folder`; resolves to their raw folder. */
const generated = async (folder: string, rows: number, seed: string, redate: (date: string) => string): Promise<string> => {
  const raw = join(folder, 'raw');
  if (existsSync(join(folder, 'written.json'))) return raw;
  rmSync(folder, { recursive: true, force: true });
  const scratch = join(folder, 'scratch');
  const written = await writePurchasesFirehose({ rows, seed }, scratch);
  if (written.rejected > 0) throw new Error(`${written.rejected} generated rows would not pass ingest`);
  mkdirSync(raw, { recursive: true });
  for (const object of written.objects) {
    const text = gunzipSync(readFileSync(object)).toString('utf8').replace(DATE, (_, date: string) => `"event_time":"${redate(date)}`);
    writeFileSync(join(raw, object.split('/').slice(-5).join('-')), gzipSync(text));
  }
  rmSync(scratch, { recursive: true, force: true });
  writeFileSync(join(folder, 'written.json'), JSON.stringify({ rows, seed, objects: written.objects.length }) + '\n');
  return raw;
};

const historyBlock = (k: number): Promise<string> => generated(join(WORK, `block-${k}-seed-${SEED}`), BLOCK_ROWS, `${SEED}-${k}`, (date) => shiftDate(date, -k * BLOCK_DAYS));
const night = (): Promise<string> => generated(join(WORK, `night-${NIGHT_ROWS}-seed-${SEED}`), NIGHT_ROWS, `${SEED}-night`, (date) => (date.startsWith('1970') ? date : NIGHT_DAY));

/** Copies every object of `folders` into the lake's raw prefix, each under a folder of its own (a Firehose hour). */
const land = (lake: string, folders: string[], hour: string) => {
  const target = join(lake, LAKE.rawPrefix, hour);
  mkdirSync(target, { recursive: true });
  for (const [i, folder] of folders.entries()) for (const name of readdirSync(folder)) copyFileSync(join(folder, name), join(target, `${i}-${name}`));
};

type Judging = Run & { made: string; code_version: string };
type Night = { kind: NightKind; run: Run; evaluation: { fresh: boolean; reason: string } };
type Point = { history: string; nights: Night[]; alone: Run; full?: Run; firstFull: Run & { made: string }; judged?: Judging };

/** The recommender's code version as its run records state it (recommend/history.py, the one definition). */
const codeVersion = (): string =>
  execFileSync(join(ROOT, '.venv', 'bin', 'python'), ['-c', 'from recstream_jobs.recommend.history import code_version; print(code_version())'], { cwd: EMR_JOBS, encoding: 'utf8' }).trim();

/** The lake's last recommender run as its history lists it (undefined before any run). */
const lastRecommenderRun = (lake: string): RecommenderHistory['runs'][number] | undefined => {
  const path = join(lake, LAKE.recommenderHistoryKey);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RecommenderHistory).runs.at(-1) : undefined;
};

/** Whose evaluation the lake's latest recommender run serves with (its run record's `evaluation`). */
const servedEvaluation = (lake: string): Night['evaluation'] => {
  const run = JSON.parse(readFileSync(join(lake, LAKE.metricsKey), 'utf8')) as RecommenderRun;
  return run.evaluation ? { fresh: run.evaluation.fresh, reason: run.evaluation.reason } : { fresh: true, reason: 'no evaluation field in the run record (older code judged every run)' };
};

/**
 * Setup, not measured: the kept lake's recommender judged again by the current code when its last run holds no
 * evaluation or was judged by other code, so a night copied from it meets what a store's history holds. Recorded
 * in made.json beside the history run.
 */
const judgedByThisCode = async (history: string, lake: string, record: string): Promise<Judging | undefined> => {
  const made = JSON.parse(readFileSync(record, 'utf8')) as { judged?: Judging };
  const last = lastRecommenderRun(lake);
  const current = codeVersion();
  // Current: judged by the setup recorded in made.json, or (none recorded) by the history run itself.
  if (last?.evaluation && last.code_version === current) return made.judged;
  console.log(`  history ${history}: the kept lake's last recommender run ${last ? `was judged by code ${last.code_version}${last.evaluation ? '' : ' (a record without an evaluation)'}` : 'is absent'}, the code is now ${current}: setup judges it again`);
  const at = stamp();
  const run = await sparkJob(`setup, history ${history}: main.py recommend --evaluate on the kept lake (not measured)`, ['recommend', '--input', join(lake, LAKE.curatedPrefix), '--output', join(lake, LAKE.servingPrefix), EVALUATE_FLAG]);
  const judged = { ...run, made: at, code_version: current };
  writeFileSync(record, JSON.stringify({ ...made, judged }) + '\n');
  return judged;
};

/** Each file of the Spark jobs' package by its hash: what a kept history lake was made by. */
const codeFiles = (): Record<string, string> => {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) { if (name.name !== '__pycache__') walk(path); } else if (/\.(py|json)$/.test(name.name)) files[path.slice(EMR_JOBS.length + 1)] = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
    }
  };
  walk(join(EMR_JOBS, 'recstream_jobs'));
  return files;
};

/**
 * The history processed once by `--full`: made on first use and kept; resolves to its run and the kept lake.
 * A kept lake is reused however the jobs changed since (`--rebuild-history` makes it again): the files that
 * changed are printed, so a reader knows which code made the history and which measured the night.
 */
const processedHistory = async (history: string, historyFolders: string[]): Promise<{ firstFull: Point['firstFull']; judged?: Judging; kept: string }> => {
  const kept = join(WORK, `history-${history.replace(/\W+/g, '-')}-${SEED}`);
  const record = join(kept, 'made.json');
  if (!existsSync(record) || process.argv.includes('--rebuild-history')) {
    rmSync(kept, { recursive: true, force: true });
    const made = stamp();
    const lakeDir = join(kept, 'lake');
    land(lakeDir, historyFolders, '2020/08/01/00');
    const code = codeFiles();
    const run = await pipeline(`history ${history}: processed once (full), kept for later bench runs`, lakeDir, [FULL_FLAG]);
    writeFileSync(record, JSON.stringify({ ...run, made, code }) + '\n');
  }
  const lake = join(kept, 'lake');
  // A night with --evaluate judges whatever the lake holds: only a kept night needs the current code's evaluation.
  const needsJudging = PREPARE || NIGHTS.includes('kept');
  const judged = needsJudging ? await judgedByThisCode(history, lake, record) : undefined;
  const { code, seconds, peakMiB, stages, made } = JSON.parse(readFileSync(record, 'utf8')) as Point['firstFull'] & { code: Record<string, string> };
  const firstFull = { seconds, peakMiB, stages, made };
  const now = codeFiles();
  const changed = [...new Set([...Object.keys(code), ...Object.keys(now)])].filter((f) => code[f] !== now[f]).sort();
  console.log(`  history ${history}: kept lake made at ${firstFull.made}; ${changed.length ? `jobs' files changed since: ${changed.join(', ')}` : 'the same jobs code'}`);
  if (!needsJudging) console.log(`  history ${history}: its recommender's evaluation left as it is (only judged nights are measured)`);
  else console.log(`  history ${history}: its recommender judged by the current code (${codeVersion()}) ${judged ? `in setup at ${judged.made} in ${fmt(judged.seconds)} s, peak ${fmt(judged.peakMiB, 0)} MiB` : 'in the history run itself'}`);
  return { firstFull, judged, kept: lake };
};

const NIGHT_LABEL: Record<NightKind, string> = {
  kept: 'incremental, as the cadence decides (the evaluation kept)',
  judged: 'incremental, judging every model (--evaluate)',
};

const measure = async (history: string, historyRows: number, historyFolders: string[], nightFolders: string[]): Promise<Point> => {
  const alone = join(WORK, `lake-${history}-night-alone`);
  rmSync(alone, { recursive: true, force: true });
  const { firstFull, judged, kept } = await processedHistory(history, historyFolders);
  console.log(`\n=== history ${history}: ${uptime()}`);
  console.log(`  each night's lake: a copy of the history processed once (full) at ${firstFull.made} in ${fmt(firstFull.seconds)} s, its recommender ${judged ? `judged in setup at ${judged.made}` : NIGHTS.includes('kept') ? 'judged by that run' : 'as that run left it'}`);
  const nights: Night[] = [];
  let lake = '';
  for (const kind of NIGHTS) {
    lake = join(WORK, `lake-${history}-${kind}`);
    rmSync(lake, { recursive: true, force: true });
    cpSync(kept, lake, { recursive: true });
    land(lake, nightFolders, '2020/08/01/01');
    const run = await pipeline(`history ${history}: the night, ${NIGHT_LABEL[kind]}`, lake, kind === 'judged' ? [EVALUATE_FLAG] : []);
    const evaluation = servedEvaluation(lake);
    console.log(`  the night's recommender ${evaluation.fresh ? 'JUDGED' : 'kept the evaluation'}: ${evaluation.reason}`);
    nights.push({ kind, run, evaluation });
  }
  land(alone, nightFolders, '2020/08/01/01');
  const nightAlone = await pipeline(`anchor (a): the night's rows alone, empty lake`, alone);
  console.log(`  anchor (a)'s recommender: ${servedEvaluation(alone).reason}`);
  const full = NO_FULL_AT.includes(historyRows) ? undefined : await pipeline(`anchor (b): history ${history} + the night, full (${FULL_FLAG} ${EVALUATE_FLAG}, as the step plan rebuilds)`, lake, [FULL_FLAG, EVALUATE_FLAG]);
  const report = JSON.parse(readFileSync(join(lake, LAKE.cleanReportKey), 'utf8')) as { output: { line_items: number } };
  console.log(full ? `  ${report.output.line_items} line items after the full run` : `  anchor (b) not run on ${history} (--no-full-at)`);
  rmSync(alone, { recursive: true, force: true });
  return { history, nights, alone: nightAlone, full, firstFull, judged };
};


const main = async () => {
  if (SIZES.some((n) => !Number.isInteger(n) || n < BLOCK_ROWS || n % BLOCK_ROWS !== 0)) throw new Error(`--sizes takes whole millions, e.g. 1000000,4000000; got ${option('--sizes')}`);
  if (!NIGHTS.length || NIGHTS.some((k) => !NIGHT_KINDS.includes(k))) throw new Error(`--nights takes ${NIGHT_KINDS.join(',')} or one of them; got ${option('--nights')}`);
  mkdirSync(WORK, { recursive: true });
  console.log(`bench:incremental, ${MASTER}, night ${NIGHT_ROWS} rows (${NIGHTS.join(', ')}), history ${SIZES.join(', ')} generated rows (seed ${SEED})`);
  console.log(`start: ${uptime()}`);
  const nightRaw = await night();
  const points: Point[] = [];
  for (const size of SIZES) {
    const blocks: string[] = [];
    for (let k = 0; k < size / BLOCK_ROWS; k++) blocks.push(await historyBlock(k));
    if (PREPARE) await processedHistory(`${size / 1e6}M generated`, blocks);
    else points.push(await measure(`${size / 1e6}M generated`, size, blocks, [nightRaw]));
  }
  if (PREPARE) return console.log(`history lakes ready under ${WORK}; end: ${uptime()}`);
  if (existsSync(REAL) && REAL_POINT) {
    const objects = readdirSync(REAL).filter((f) => f.endsWith('.gz')).sort();
    const split = (names: string[], folder: string) => {
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder, { recursive: true });
      for (const name of names) copyFileSync(join(REAL, name), join(folder, name));
      return folder;
    };
    points.push(await measure('1M real', 1e6, [split(objects.slice(0, -5), join(WORK, 'real-history'))], [split(objects.slice(-5), join(WORK, 'real-night'))]));
  } else console.log(`\n${REAL_POINT ? `real data absent (${REAL})` : '--no-real'}: the real-data point is skipped`);

  const stage = (r: Run, job: string) => r.stages[job] ?? 0;
  const noFit = (r: Run) => r.seconds - stage(r, 'recommend');
  const judgedOrKept = (n: Night) => (n.evaluation.fresh ? 'judged' : 'kept');
  printTable(
    'A night of new rows: wall seconds (fresh spark-submit, JVM start included) and ratios',
    ['history', 'night', 'evaluation', 'night s', '(a) night alone s', '(b) full s', 'night / (a)', 'night / (b)', 'night - recommend s', 'night recommend s', '(a) recommend s', 'peak MiB night', 'peak MiB (b)'],
    points.flatMap((p) => p.nights.map((n) => [
      p.history, n.kind, judgedOrKept(n), fmt(n.run.seconds), fmt(p.alone.seconds), p.full ? fmt(p.full.seconds) : 'not run', fmt(n.run.seconds / p.alone.seconds, 2), p.full ? fmt(n.run.seconds / p.full.seconds, 2) : '-',
      fmt(noFit(n.run)), fmt(stage(n.run, 'recommend')), fmt(stage(p.alone, 'recommend')), fmt(n.run.peakMiB, 0), p.full ? fmt(p.full.peakMiB, 0) : '-',
    ])),
  );
  printTable('Inside each run: seconds per job (clean includes the JVM start; recommend and analyse run side by side after it)', ['history', 'run', 'clean', 'recommend', 'analyse', 'total'], points.flatMap((p) =>
    ([
      ['history once (full, kept)', p.firstFull],
      [`setup: recommend --evaluate (${p.judged ? p.judged.made.slice(0, 17) : ''})`, p.judged],
      ...p.nights.map((n) => [`night, ${n.kind}`, n.run]),
      ['(a) night alone', p.alone],
      ...(p.full ? [['(b) full', p.full]] : []),
    ] as [string, Run | undefined][]).filter((row): row is [string, Run] => row[1] !== undefined).map(([name, r]) => [
      p.history, name, r.stages.clean === undefined ? '-' : fmt(stage(r, 'clean')), fmt(stage(r, 'recommend')), r.stages.analyse === undefined ? '-' : fmt(stage(r, 'analyse')), fmt(r.seconds)])));
  for (const p of points) {
    console.log(`anchor (a) on ${p.history} is a first run: its recommender judges every model`);
    for (const n of p.nights) {
      const fit = stage(n.run, 'recommend');
      const met = n.run.seconds <= 1.5 * p.alone.seconds + fit;
      console.log(`goal on ${p.history}, night ${n.kind} (${judgedOrKept(n)}): ${fmt(n.run.seconds)} s <= 1.5 x (a) ${fmt(p.alone.seconds)} s + model fit ${fmt(fit)} s = ${fmt(1.5 * p.alone.seconds + fit)} s: ${met ? 'met' : 'NOT met'}`);
      console.log(`  its evaluation: ${n.evaluation.reason}`);
    }
  }
  const generatedPoints = points.filter((p) => p.history.endsWith('generated'));
  if (generatedPoints.length > 1) {
    const [first, lastPoint] = [generatedPoints[0], generatedPoints[generatedPoints.length - 1]];
    const fullGrowth = first.full && lastPoint.full ? `; the full run x${fmt(lastPoint.full.seconds / first.full.seconds, 2)}` : '';
    for (const kind of NIGHTS) {
      const [a, b] = [first, lastPoint].map((p) => p.nights.find((n) => n.kind === kind)!.run);
      console.log(`flat in history, night ${kind}: ${fmt(a.seconds)} s at ${first.history}, ${fmt(b.seconds)} s at ${lastPoint.history} (x${fmt(b.seconds / a.seconds, 2)}); without the model fit ${fmt(noFit(a))} s, ${fmt(noFit(b))} s (x${fmt(noFit(b) / noFit(a), 2)})${fullGrowth}`);
    }
  }
  console.log(`end: ${uptime()}`);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

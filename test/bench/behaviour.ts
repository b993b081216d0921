/**
 * npm run bench:behaviour — the behaviour jobs (sessions, funnel, intent, categories) on generated
 * events (default 5M, as Firehose objects under a fresh lake), in one spark-submit on local[2]
 * (`main.py behaviour`: the four in sequence in one application, each job's seconds from its
 * `[behaviour …] <job>: N s` line), beside an anchor measured in the same run: a plain Spark
 * read + count of the same raw events in its own spark-submit (emr-jobs/bench/raw_scan.py events). Then the intent model's
 * test-window metrics against the majority baseline and the DecisionTree, and the top-3 categories'
 * recall@3 against the most-popular baseline.
 * Options: --events N (default 5000000), --seed S, --master M (default local[2]), --keep (keep the lake).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EMR_JOBS, ROOT, spawnSparkSubmit, stderrErrors } from './spark-submit';
import { parseArgs } from 'node:util';
import { BEHAVIOUR_LAKE } from '../../contract';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';

const { values } = parseArgs({ options: { events: { type: 'string', default: '5000000' }, seed: { type: 'string', default: '15' }, master: { type: 'string', default: 'local[2]' }, keep: { type: 'boolean', default: false } } });
const EVENTS = Number(values.events);
const MASTER = values.master!;
const TARGET_SECONDS = 600;

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

const JOB_SECONDS = /^\[behaviour [\d:]+\] (sessions|funnel|intent|categories): ([\d.]+) s$/;

/** One spark-submit, echoing the jobs' progress lines as they come; resolves to its wall seconds and
 * the seconds each behaviour job reported. */
const sparkSubmit = (label: string, script: string, args: string[]): Promise<{ wall: number; jobs: [string, number][] }> =>
  new Promise((done, fail) => {
    console.log(`\n== ${label}`);
    const started = process.hrtime.bigint();
    const child = spawnSparkSubmit(MASTER, script, args);
    const jobs: [string, number][] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (/^\[(behaviour|sessions|funnel|intent|categories) |^raw events/.test(line)) console.log(`  ${line.trim().slice(0, 240)}`);
      const timed = JOB_SECONDS.exec(line.trim());
      if (timed) jobs.push([timed[1], Number(timed[2])]);
    });
    const stderr = stderrErrors(child);
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(stderr.failure(label, code));
      console.log(`  ${fmt(seconds)} s`);
      done({ wall: seconds, jobs });
    });
  });

type Quality = {
  users?: number;
  model: { name: string; auc_pr?: number; recall_at_3?: number; interval: number[] };
  baselines: { name: string; auc_pr?: number; recall_at_3?: number; interval: number[] }[];
  best_baseline: string;
  difference: { value: number; interval: number[] };
  skill: boolean;
};
type RunRecord = { trained: boolean; reason?: string; promoted?: boolean; quality?: Quality };

const main = async () => {
  mkdirSync(join(ROOT, '.work'), { recursive: true });
  const lake = mkdtempSync(join(ROOT, '.work', 'behaviour-bench-'));
  console.log(`bench:behaviour on ${EVENTS.toLocaleString('en')} generated events (seed ${values.seed}), master ${MASTER}, lake ${lake}`);
  console.log(`load average at start: ${loadavg().map((l) => fmt(l, 2)).join(' ')} (other work on this machine slows every number, the ratios less)`);
  const generating = Date.now();
  const objects = await writeBehaviourFirehose({ events: EVENTS, seed: values.seed }, lake);
  console.log(`generated ${objects.length} Firehose objects in ${fmt((Date.now() - generating) / 1000)} s`);

  const raw = join(lake, BEHAVIOUR_LAKE.rawPrefix);
  const scan = (await sparkSubmit('anchor: raw read + count', join(EMR_JOBS, 'bench', 'raw_scan.py'), [raw, 'events'])).wall;
  const behaviour = await sparkSubmit('behaviour: sessions, funnel, intent, categories in one application', join(EMR_JOBS, 'main.py'), ['behaviour', '--lake', lake]);
  const total = behaviour.wall;
  console.log(`\nWall time (${MASTER}; anchor and behaviour each one spark-submit incl. JVM start; per job: its own seconds inside the application)`);
  console.log(`  ${'raw read + count (anchor)'.padEnd(40)} ${fmt(scan).padStart(7)} s   1.0x`);
  for (const [name, s] of behaviour.jobs) console.log(`  ${name.padEnd(40)} ${fmt(s).padStart(7)} s  ${fmt(s / scan).padStart(4)}x`);
  console.log(`  ${'total sessions+funnel+intent+categories'.padEnd(40)} ${fmt(total).padStart(7)} s  ${fmt(total / scan).padStart(4)}x`);

  // The latest run, served or not: its record says whether each task has skill over its baselines (intervals).
  const history = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.intentHistoryKey), 'utf8')) as { served_run: string | null; runs: { run_id: string }[] };
  const latest = history.runs[history.runs.length - 1].run_id;
  const run = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.intentModelsPrefix, latest, 'run.json'), 'utf8')) as RunRecord & { abandonment?: RunRecord; abandonment_24h?: RunRecord };
  const figure = (f: { name: string; auc_pr?: number; recall_at_3?: number; interval: number[] }) =>
    `${f.name} ${fmt((f.auc_pr ?? f.recall_at_3)!, 4)} [${fmt(f.interval[0], 4)}, ${fmt(f.interval[1], 4)}]`;
  const judged = (name: string, r: RunRecord | undefined) =>
    console.log(
      !r || !r.trained || !r.quality
        ? `${name}: ${r?.reason ?? 'not recorded'}`
        : `${name}: ${[r.quality.model, ...r.quality.baselines].map(figure).join('; ')}; difference to ${r.quality.best_baseline} ${fmt(r.quality.difference.value, 4)} [${fmt(r.quality.difference.interval[0], 4)}, ${fmt(r.quality.difference.interval[1], 4)}]: ${r.quality.skill ? 'skill' : 'NO skill'}${r.promoted === undefined ? '' : r.promoted ? ', served' : ', not served'}`,
    );
  console.log(`
Run ${latest} (served intent run ${history.served_run}); test AUC-PR [95% interval over resampled test sessions] (generated events: this measures the generator)`);
  judged('intent', run);
  judged('abandonment', run.abandonment);
  judged('abandonment_24h', run.abandonment_24h);
  const categories = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.topCategoriesMetricsKey), 'utf8')) as {
    quality: Quality | { enough: false; reason: string };
    served: { weights: number[]; reason: string };
  };
  const q = categories.quality;
  console.log(`
Top-3 categories, test recall@3: ${'skill' in q ? `${q.users} users; ${[q.model, ...q.baselines].map(figure).join('; ')}` : q.reason}; served weights ${categories.served.weights.join('/')}: ${categories.served.reason}`);
  console.log(`target: all four jobs under ${TARGET_SECONDS} s on ${MASTER}: ${total < TARGET_SECONDS ? 'yes' : 'NO'} (${fmt(total)} s)`);
  console.log(`load average at end: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  if (!values.keep) rmSync(lake, { recursive: true, force: true });
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

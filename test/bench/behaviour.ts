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
import { EMR_JOBS, ROOT, spawnSparkSubmit } from './spark-submit';
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
    const errors: string[] = [];
    createInterface({ input: child.stderr }).on('line', (line) => {
      if (!/^\s+at |WARN|INFO/.test(line)) errors.push(line);
    });
    child.on('error', fail);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`${label} failed with exit code ${code}:\n${errors.slice(-30).join('\n')}`));
      console.log(`  ${fmt(seconds)} s`);
      done({ wall: seconds, jobs });
    });
  });

type Classifier = { accuracy: number; precision: number; recall: number; f1: number; auc_roc: number; auc_pr: number };
type RunRecord = { family: string; test: { chosen: Classifier; by_family: Record<string, Classifier>; majority_baseline: Classifier & { positive_rate: number } } };

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

  const history = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.intentHistoryKey), 'utf8')) as { served_run: string };
  const run = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.intentModelsPrefix, history.served_run, 'run.json'), 'utf8')) as RunRecord;
  const rows: [string, Classifier][] = [...Object.entries(run.test.by_family), ['majority baseline', run.test.majority_baseline]];
  console.log(`\nIntent, test window (served: ${run.family})`);
  console.log(`  ${'model'.padEnd(24)} accuracy precision  recall      F1  AUC-ROC  AUC-PR`);
  for (const [name, m] of rows) console.log(`  ${name.padEnd(24)} ${[m.accuracy, m.precision, m.recall, m.f1, m.auc_roc, m.auc_pr].map((v) => fmt(v, 4).padStart(8)).join(' ')}`);
  const positiveRate = run.test.majority_baseline.positive_rate;
  const chosen = run.test.chosen.auc_pr;
  const tree = run.test.by_family.decision_tree.auc_pr;
  const categories = JSON.parse(readFileSync(join(lake, BEHAVIOUR_LAKE.topCategoriesMetricsKey), 'utf8')) as {
    weights: { view_cart_purchase: number[] };
    test: { affinity: { users: number; recall_at_3: number }; popular: { recall_at_3: number } };
  };
  const { affinity, popular } = categories.test;
  console.log(`\nTop-3 categories, test window: ${affinity.users} users, recall@3 ${fmt(affinity.recall_at_3, 4)} vs most popular ${fmt(popular.recall_at_3, 4)} (weights view/cart/purchase ${categories.weights.view_cart_purchase.join('/')})`);
  console.log(`\ntarget: intent AUC-PR ${fmt(chosen, 4)} >= 2x positive rate ${fmt(positiveRate, 4)}: ${chosen >= 2 * positiveRate ? 'yes' : 'NO'}; above the DecisionTree's ${fmt(tree, 4)}: ${chosen > tree ? 'yes' : 'NO'}`);
  console.log(`target: all four jobs under ${TARGET_SECONDS} s on ${MASTER}: ${total < TARGET_SECONDS ? 'yes' : 'NO'} (${fmt(total)} s)`);
  console.log(`load average at end: ${loadavg().map((l) => fmt(l, 2)).join(' ')}`);
  if (!values.keep) rmSync(lake, { recursive: true, force: true });
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

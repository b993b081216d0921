import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { BEHAVIOUR_CSV_COLUMNS, BEHAVIOUR_EVENT_JSON_SCHEMA, BEHAVIOUR_EVENT_TYPES, BEHAVIOUR_LAKE } from '../../contract';
import { generateBehaviour, generateBehaviourCsv } from '../../local/generator/behaviour';
import { type BehaviourStatistics, behaviourStatistics } from '../../local/generator/behaviour-statistics';
import { writeBehaviourFirehose } from '../../local/generator/behaviour-write';
import { csvFileLines } from '../../local/generator/statistics';

const REAL_CSV = join(__dirname, '..', '..', '..', 'shared', 'data', 'behaviour', 'events-2019-10-01-sample.csv.gz');
const REAL_EVENTS = 10_996;
const TIME = /^2019-1[01]-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const digest = (lines: Iterable<string>) => {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
};

test('the same seed gives the same events, another seed other events, and exactly the count asked for', () => {
  assert.equal(digest(generateBehaviourCsv({ events: 20_000, seed: 5 })), digest(generateBehaviourCsv({ events: 20_000, seed: 5 })));
  assert.notEqual(digest(generateBehaviourCsv({ events: 20_000, seed: 5 })), digest(generateBehaviourCsv({ events: 20_000, seed: 6 })));
  for (const events of [1, 9, 3_000]) assert.equal([...generateBehaviourCsv({ events, seed: 2 })].length, events + 1);
});

test('every line is in the REES46 format, ids are decimal strings, events come in time order', () => {
  const [header, ...lines] = [...generateBehaviourCsv({ events: 50_000, seed: 7 })].map((l) => l.slice(0, -1));
  assert.equal(header, BEHAVIOUR_CSV_COLUMNS.join(','));
  let previous = '';
  for (const [i, line] of lines.entries()) {
    const [time, type, product, category, code, brand, price, user, session, ...rest] = line.split(',');
    const where = `line ${i + 2}: ${line}`;
    assert.equal(rest.length, 0, where);
    assert.ok(TIME.test(time) && time >= previous, where);
    previous = time;
    assert.ok((BEHAVIOUR_EVENT_TYPES as readonly string[]).includes(type), where);
    assert.ok(/^\d{7,8}$/.test(product) && /^\d{19}$/.test(category), where);
    assert.ok(BigInt(category) > 2n ** 53n, where);
    assert.ok(code === '' || /^[a-z_]+(\.[a-z_]+)+$/.test(code), where);
    assert.ok(brand === '' || /^[a-z]+$/.test(brand), where);
    assert.ok(/^\d+\.\d{2}$/.test(price), where);
    assert.ok(user === '' || /^\d{9}$/.test(user), where);
    assert.ok(session === '' || UUID.test(session), where);
  }
});

/** How far the generator may sit from the real sample (same event count) per statistic. */
const TOLERANCE: Partial<Record<keyof BehaviourStatistics, number>> = {
  viewShare: 0.015,
  cartShare: 0.006,
  purchaseShare: 0.006,
  oneEventSessionShare: 0.08,
  medianSessionEvents: 0,
  p90SessionEvents: 2,
  gapP10: 4,
  gapP50: 8,
  gapP90: 30,
  emptyCategoryCodeShare: 0.04,
  emptyBrandShare: 0.04,
  purchaseSessionShare: 0.015,
  cartSessionShare: 0.015,
  top10PercentCategoryShare: 0.1,
  top10PercentBrandShare: 0.12,
};

test('event mix, session lengths, gaps, missing fields and popularity match the real sample (side by side)', { skip: !existsSync(REAL_CSV) && 'real sample absent' }, async () => {
  const real = await behaviourStatistics(csvFileLines(REAL_CSV));
  assert.equal(real.events, REAL_EVENTS);
  const generated = await behaviourStatistics(generateBehaviourCsv({ events: REAL_EVENTS, seed: 2019 }));
  console.table(Object.fromEntries(Object.keys(TOLERANCE).map((k) => [k, { real: real[k as keyof BehaviourStatistics], generated: generated[k as keyof BehaviourStatistics] }])));
  for (const [key, tolerance] of Object.entries(TOLERANCE)) {
    const statistic = key as keyof BehaviourStatistics;
    assert.ok(Math.abs(generated[statistic] - real[statistic]) <= tolerance!, `${key}: generated ${generated[statistic]} vs real ${real[statistic]} (±${tolerance})`);
  }
  // Users rarely come back within 2.6 hours, as in the sample (3,091 users, 3,447 sessions).
  assert.ok(generated.users / generated.sessions > 0.75, `users per session ${generated.users / generated.sessions}`);
});

test('at volume: remove_from_cart appears, a few events lack user or session, buyers come back', async () => {
  const s = await behaviourStatistics(generateBehaviourCsv({ events: 150_000, seed: 3 }));
  assert.ok(s.removeShare > 0.0005 && s.removeShare < 0.005, `remove share ${s.removeShare}`);
  assert.ok(s.missingUserShare > 0.0003 && s.missingUserShare < 0.003, `missing user ${s.missingUserShare}`);
  assert.ok(s.missingSessionShare > 0.0005 && s.missingSessionShare < 0.005, `missing session ${s.missingSessionShare}`);
  assert.ok(s.users < 0.9 * s.sessions, `returning users: ${s.users} users, ${s.sessions} sessions`);
  assert.ok(s.viewShare > 0.95 && s.viewShare < 0.985, `view share ${s.viewShare}`);
});

test('a buying session is foreseeable from its browsing before the first cart/purchase (the signal the intent model learns)', () => {
  // Per session: views before the first cart/purchase, and whether it bought.
  const sessions = new Map<string, { before: number; decided: boolean; bought: boolean }>();
  for (const e of generateBehaviour({ events: 200_000, seed: 4 })) {
    if (!e.userSession) continue;
    const s = sessions.get(e.userSession) ?? { before: 0, decided: false, bought: false };
    if (e.type === 'view' && !s.decided) s.before++;
    if (e.type === 'cart' || e.type === 'purchase') s.decided = true;
    if (e.type === 'purchase') s.bought = true;
    sessions.set(e.userSession, s);
  }
  const rate = (pick: (before: number) => boolean) => {
    const group = [...sessions.values()].filter((s) => s.before > 0 && pick(s.before));
    return group.filter((s) => s.bought).length / group.length;
  };
  const short = rate((n) => n === 1);
  const long = rate((n) => n >= 5);
  assert.ok(long > 2 * short, `purchase rate after 1 view ${short}, after 5+ views ${long}`);
});

test('Firehose objects hold BehaviourEventV1 lines under the raw events prefix, numbered like the CSV', async () => {
  const lake = mkdtempSync(join(tmpdir(), 'recstream-behaviour-'));
  try {
    const paths = await writeBehaviourFirehose({ events: 2_500, seed: 8 }, lake, 1_000);
    assert.equal(paths.length, 3);
    const lines = paths.flatMap((p) => gunzipSync(readFileSync(p)).toString('utf8').trimEnd().split('\n'));
    assert.equal(lines.length, 2_500);
    const csv = [...generateBehaviourCsv({ events: 2_500, seed: 8 })].slice(1);
    lines.forEach((text, i) => {
      const event = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(event).sort(), [...BEHAVIOUR_EVENT_JSON_SCHEMA.required].sort());
      assert.equal(event.line, i + 2);
      const fields = csv[i].slice(0, -1).split(',');
      assert.deepEqual(
        BEHAVIOUR_CSV_COLUMNS.map((c) => event[c] ?? ''),
        fields,
      );
    });
    for (const p of paths) assert.ok(p.startsWith(join(lake, BEHAVIOUR_LAKE.rawPrefix)) && /\/2019\/11\/01\/\d{2}\//.test(p), p);
  } finally {
    rmSync(lake, { recursive: true, force: true });
  }
});

test('recstream generate --behaviour writes the same CSV as the generator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recstream-behaviour-cli-'));
  try {
    const out = join(dir, 'events.csv.gz');
    const cli = join(__dirname, '..', '..', 'local', 'bin', 'recstream.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'generate', '--behaviour', '--rows', '4000', '--seed', '9', '--out', out], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(gunzipSync(readFileSync(out)).toString('utf8'), [...generateBehaviourCsv({ events: 4000, seed: '9' })].join(''));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Every card's reason is true of the data it was computed from: the committed
 * Firehose fixture (real REES46 rows) goes through the real Spark step plan
 * (clean, recommend, analyse), the loader and the API, and each card's sentence (web/src/reason.ts)
 * is checked against the curated purchases, counted independently here (plain group-bys in Spark for the
 * (customer, product) pairs, then counting in this file, not the recommend job's code):
 * - repeat "bought N units of it, last on DATE": the customer's units of that product are N, the last day DATE;
 * - copurchase / als "N customers who bought <X> also bought it": the customer bought X and never this product,
 *   and exactly N other customers bought both X and this product (als without X: other customers bought it);
 * - category "#R best seller in <category> over the last D days; this customer buys in that category and has
 *   not bought it": R is the product's rank among the named category's products by distinct known customers
 *   in the D days before the data's end (ties may take any of their ranks), the customer bought in the
 *   category and not this product;
 * - popular / fallback "#R best seller of the store over the last D days": the same rank over every product;
 * and every customer in the data has an item (so "no item" = "no such customer").
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LAKE, sparkSteps, type RecommendationsResponse, type RecommendedProduct } from '../../contract';
import { cachedFallback, handleRequest, type ApiDeps } from '../../lambdas/api/router';
import { REPO_ROOT, runSparkJob, SPARK_SUBMIT } from '../../local/pipeline/spark';
import { loadLocalServing } from '../../local/server/serving';
import { formatCategory } from '../../web/src/format';
import { reasonFor } from '../../web/src/reason';

const FIXTURE = join(REPO_ROOT, 'emr-jobs', 'tests', 'fixtures', 'raw', 'purchases');
const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
const DAY_SECONDS = 86_400;

/** Every known customer's (customer, product) pairs from the curated Parquet: units, last dated purchase (epoch seconds); each product's category. */
const TRUTH_PY = `
import json, sys
from pyspark.sql import SparkSession, functions as F
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.session.timeZone", "UTC").config("spark.sql.shuffle.partitions", "4").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
known = spark.read.parquet(sys.argv[1]).filter(F.col("user_id").isNotNull())
# last: None when every purchase of the pair is undated.
pairs = [(r.user_id, r.product_id, int(r.units or 0), r.last) for r in known.groupBy("user_id", "product_id")
         .agg(F.sum("quantity").alias("units"), F.unix_timestamp(F.max("event_time")).alias("last")).collect()]
products = {r.product_id: [r.category_id, r.category_code] for r in known.select("product_id", "category_id", "category_code").distinct().collect()}
print(json.dumps({"pairs": pairs, "products": products}))
`;

interface Truth {
  pairs: [string, string, number, number | null][];
  products: Record<string, [string | null, string | null]>;
}

/** The facts the sentences claim, counted from the pairs alone. */
class Purchases {
  readonly pair = new Map<string, { units: number; last: number | null }>();
  readonly buyers = new Map<string, Set<string>>();
  readonly categoriesOf = new Map<string, Set<string>>();
  /** The data's end: the moment after the last dated purchase (the windows are [end - days, end)). */
  readonly end: number;

  constructor(readonly truth: Truth) {
    for (const [user, product, units, last] of truth.pairs) {
      this.pair.set(`${user}/${product}`, { units, last });
      (this.buyers.get(product) ?? this.buyers.set(product, new Set()).get(product)!).add(user);
      const category = this.categoryKey(product);
      if (category) (this.categoriesOf.get(user) ?? this.categoriesOf.set(user, new Set()).get(user)!).add(category);
    }
    this.end = Math.max(...truth.pairs.map(([, , , last]) => last ?? -Infinity)) + 1;
  }

  bought = (user: string, product: string) => this.pair.get(`${user}/${product}`);

  /** The category a card names: its code when it has one (what the sentence says), else its id. */
  categoryKey = (product: string): string | null => {
    const [id, code] = this.truth.products[product] ?? [null, null];
    return code ? `code:${code}` : id ? `id:${id}` : null;
  };

  /** Customers other than `user` who bought both products. */
  alsoBought = (user: string, because: string, product: string): number =>
    [...(this.buyers.get(because) ?? [])].filter((u) => u !== user && this.buyers.get(product)?.has(u)).length;

  /** Distinct customers with a purchase of each product in the `days` before the end. */
  windowBuyers = (days: number): Map<string, number> => {
    const from = this.end - days * DAY_SECONDS;
    const counts = new Map<string, number>();
    for (const [, product, , last] of this.truth.pairs) if (last !== null && last >= from && last < this.end) counts.set(product, (counts.get(product) ?? 0) + 1);
    return counts;
  };

  /** The ranks a product may hold among `among` by window buyers: ties may take any rank of their group. */
  rankRange = (product: string, days: number, among: (p: string) => boolean): [number, number] => {
    const counts = [...this.windowBuyers(days)].filter(([p]) => among(p));
    const own = counts.find(([p]) => p === product)?.[1] ?? 0;
    return [counts.filter(([, n]) => n > own).length + 1, counts.filter(([, n]) => n >= own).length];
  };
}

const day = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 10);
const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** What is untrue of one card, or nothing. */
const untrue = (facts: Purchases, user: string, item: RecommendedProduct, text: string): string[] => {
  const wrong: string[] = [];
  const bought = facts.bought(user, item.product_id);
  const rank = (among: (p: string) => boolean, stated: number | null | undefined, days: number | null | undefined, what: string) => {
    if (stated == null || days == null) {
      wrong.push(`the job wrote no ${what} rank and window (category_rank/popular_rank, window_days)`);
      return;
    }
    const [best, worst] = facts.rankRange(item.product_id, days, among);
    if (stated < best || stated > worst) wrong.push(`#${stated} ${what}, but by distinct customers over ${days} days it ranks ${best === worst ? best : `${best}-${worst}`}`);
    if (!text.includes(`#${stated} best seller`) || !text.includes(`over the last ${days} days`)) wrong.push('the sentence does not state the rank and window');
  };
  const evidence = (needsBecause: boolean) => {
    if (bought) wrong.push(`the customer bought it (${bought.units} units)`);
    if (!item.because_of) {
      if (needsBecause) wrong.push('the job wrote no because_of product');
      else if (![...(facts.buyers.get(item.product_id) ?? [])].some((u) => u !== user)) wrong.push('no other customer bought it');
      return;
    }
    const because = item.because_of.product_id;
    if (!facts.bought(user, because)) wrong.push(`the customer never bought ${because}`);
    const n = facts.alsoBought(user, because, item.product_id);
    if (item.customers_also !== n) wrong.push(`customers_also ${item.customers_also}, but ${n} other customers bought both ${because} and it`);
    if (!text.includes(because) || !text.includes(count(n, 'customer'))) wrong.push('the sentence does not name the product and the count');
  };
  switch (item.source) {
    case 'repeat':
      if (!bought) wrong.push('the customer never bought it');
      else {
        if (item.times_bought !== bought.units || !text.includes(`bought ${count(bought.units, 'unit')} of it`)) wrong.push(`bought ${bought.units} units`);
        const last = bought.last === null ? null : day(bought.last);
        if (item.last_bought == null && last !== null) wrong.push('the job wrote no last_bought');
        else if ((item.last_bought ?? null) !== last || (last !== null && !text.includes(`last on ${last}`))) wrong.push(`last bought on ${last ?? 'no known day'}`);
      }
      break;
    case 'copurchase':
      evidence(true);
      break;
    case 'als':
      evidence(false);
      break;
    case 'category': {
      const category = facts.categoryKey(item.product_id);
      if (bought) wrong.push('the customer bought it');
      if (!category || !facts.categoriesOf.get(user)?.has(category)) wrong.push(`the customer never bought in ${category}`);
      if (item.category_code && !text.includes(formatCategory(item.category_code))) wrong.push('names another category');
      rank((p) => category !== null && facts.categoryKey(p) === category, item.category_rank, item.window_days, 'category');
      break;
    }
    case 'popular':
    case 'fallback':
      rank(() => true, item.popular_rank, item.window_days, 'store');
      break;
    default:
      wrong.push('the served data gives no reason');
  }
  return wrong;
};

const skip = existsSync(SPARK_SUBMIT) ? false : 'no .venv with Spark (bash local/setup.sh)';

describe('card reasons against the data they were computed from', { skip }, () => {
  let lake: string;
  let answers: RecommendationsResponse[];
  let facts: Purchases;

  before(async () => {
    lake = mkdtempSync(join(tmpdir(), 'recstream-reasons-'));
    cpSync(FIXTURE, join(lake, LAKE.rawPrefix), { recursive: true });
    // The deployed step plan (clean, recommend, analyse in one application), with two rolling windows instead of
    // the default (the first trains the ranker, the second judges it; minutes on two busy cores), the learned ranker
    // pinned (--pin, as recommender.pin deploys it): on this fixture the promotion rule keeps "just repeats", whose
    // cards are repeats and best sellers only; the ranker's lists carry every generator's cards, and each card's
    // evidence is computed the same way whichever model serves.
    const logFile = join(lake, 'spark.log');
    for (const step of sparkSteps((key) => join(lake, key), undefined, 'ranker')) {
      await runSparkJob({ job: step.job, args: [...step.args, '--selection-windows', '2'], logFile, note: () => undefined });
    }

    const counted = spawnSync(PYTHON, ['-c', TRUTH_PY, join(lake, LAKE.curatedPrefix)], {
      encoding: 'utf8',
      env: { ...process.env, SPARK_LOCAL_IP: '127.0.0.1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(counted.status, 0, counted.stderr);
    facts = new Purchases(JSON.parse(counted.stdout.trim().split('\n').at(-1)!) as Truth);

    // Every customer in the data, through the loader and the API as the site asks.
    const serving = await loadLocalServing(lake);
    assert.equal(serving.report.invalid, 0, `the loader refused lines: ${JSON.stringify(serving.report.invalidSamples)}`);
    const deps: ApiDeps = { recommendations: serving.recommendations, analytics: serving.analytics, fallback: cachedFallback(serving.recommendations) };
    const customers = [...new Set(facts.truth.pairs.map(([u]) => u))];
    answers = await Promise.all(
      customers.map(async (id) => JSON.parse((await handleRequest({ method: 'GET', path: `/users/${id}/recommendations`, headers: {}, requestId: id }, deps)).body)),
    );
  });
  after(() => rmSync(lake, { recursive: true, force: true }));

  it('every customer in the data is known to the API', () => {
    assert.ok(answers.length > 1000, `${answers.length} customers`);
    assert.deepEqual(answers.filter((a) => !a.known).map((a) => a.user_id), []);
  });

  it('each card’s sentence is true of the customer’s purchases', (t) => {
    const seen: Record<string, number> = {};
    const wrongBySource: Record<string, number> = {};
    const wrong: string[] = [];
    for (const answer of answers) {
      for (const item of answer.recommendations) {
        const reason = reasonFor(item);
        seen[reason.source] = (seen[reason.source] ?? 0) + 1;
        const problems = untrue(facts, answer.user_id, item, reason.text);
        if (problems.length === 0) continue;
        wrongBySource[reason.source] = (wrongBySource[reason.source] ?? 0) + 1;
        wrong.push(`${answer.user_id} ${item.product_id} (${reason.badge}: ${reason.text}): ${problems.join('; ')}`);
      }
    }
    t.diagnostic(`cards checked by reason: ${JSON.stringify(seen)}; untrue by reason: ${JSON.stringify(wrongBySource)}`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} untrue cards of ${Object.values(seen).reduce((a, b) => a + b, 0)} (${JSON.stringify(wrongBySource)})`);
    for (const source of ['repeat', 'category', 'popular']) assert.ok((seen[source] ?? 0) > 0, `the fixture has ${source} cards to check`);
    assert.ok((seen.copurchase ?? 0) + (seen.als ?? 0) > 0, 'the fixture has collaborative (copurchase or ALS) cards to check');
  });
});

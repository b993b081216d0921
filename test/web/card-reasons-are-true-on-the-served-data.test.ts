/**
 * Every card's reason is true of the data it was computed from: the committed
 * Firehose fixture (real REES46 rows) goes through the real Spark step plan
 * (clean, recommend, analyse), the loader and the API, and each card's sentence (web/src/reason.ts)
 * is checked against the curated purchases, counted independently here:
 * - "bought N units of it before": the customer's units of that product are N;
 * - "similar customers": other customers bought it, this customer never did;
 * - "a best seller in <category>, a category this customer buys in; they have not
 *   bought this product": all three hold;
 * - "best seller … bought by the most customers in the latest days": among the
 *   most-bought products (distinct buyers, last popular-days of the data);
 * and every customer in the data has an item (so "no item" = "no such customer").
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LAKE, sparkSteps, type RecommendationsResponse } from '../../contract';
import { cachedFallback, handleRequest, type ApiDeps } from '../../lambdas/api/router';
import { REPO_ROOT, runSparkJob, SPARK_SUBMIT } from '../../local/pipeline/spark';
import { loadLocalServing } from '../../local/server/serving';
import { formatCategory } from '../../web/src/format';
import { reasonFor } from '../../web/src/reason';

const FIXTURE = join(REPO_ROOT, 'emr-jobs', 'tests', 'fixtures', 'raw', 'purchases');
const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');
/** The recommend job's defaults its reasons rest on (recommend/__init__.py, candidates.py). */
const POPULAR = { days: 30, size: 50 };
const CATEGORY = { days: 90, size: 10 };

/** The facts the reasons claim, counted from the curated Parquet with plain group-bys (not the recommend job's code). */
const TRUTH_PY = `
import json, sys
from pyspark.sql import SparkSession, functions as F
lake_curated, end, popular_days, category_days = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
         .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
         .config("spark.sql.shuffle.partitions", "4").getOrCreate())
spark.sparkContext.setLogLevel("ERROR")
known = spark.read.parquet(lake_curated).filter(F.col("user_id").isNotNull())
end = F.lit(end).cast("timestamp")
def since(days):
    return known.filter((F.col("event_time") < end) & (F.col("event_time") >= end - F.expr("INTERVAL %d DAYS" % days)))
units = [(r.user_id, r.product_id, int(r.units)) for r in known.groupBy("user_id", "product_id").agg(F.sum("quantity").alias("units")).collect()]
categories = [(r.user_id, r.category_id) for r in known.filter(F.col("category_id").isNotNull()).select("user_id", "category_id").distinct().collect()]
product_category = {r.product_id: r.category_id for r in known.select("product_id", "category_id").distinct().collect()}
buyers = {r.product_id: r.n for r in since(popular_days).groupBy("product_id").agg(F.countDistinct("user_id").alias("n")).collect()}
line_items = [(r.category_id, r.product_id, r.n) for r in since(category_days).filter(F.col("category_id").isNotNull()).groupBy("category_id", "product_id").agg(F.count(F.lit(1)).alias("n")).collect()]
print(json.dumps({"units": units, "categories": categories, "product_category": product_category, "buyers": buyers, "line_items": line_items}))
`;

interface Truth {
  units: [string, string, number][];
  categories: [string, string][];
  product_category: Record<string, string | null>;
  buyers: Record<string, number>;
  line_items: [string, string, number][];
}

const skip = existsSync(SPARK_SUBMIT) ? false : 'no .venv with Spark (bash local/setup.sh)';

describe('card reasons against the data they were computed from', { skip }, () => {
  let lake: string;
  let answers: RecommendationsResponse[];
  let unitsOf: Map<string, number>;
  let categoriesOf: Map<string, Set<string>>;
  let truth: Truth;

  before(async () => {
    lake = mkdtempSync(join(tmpdir(), 'recstream-reasons-'));
    cpSync(FIXTURE, join(lake, LAKE.rawPrefix), { recursive: true });
    // The deployed step plan (clean, recommend, analyse in one application), with one ALS fit and one
    // selection window instead of the grid over three (minutes on two busy cores): the reasons do not depend on them.
    const logFile = join(lake, 'spark.log');
    for (const step of sparkSteps((key) => join(lake, key))) {
      await runSparkJob({ job: step.job, args: [...step.args, '--grid', 'none', '--selection-windows', '1'], logFile, note: () => undefined });
    }

    const end = JSON.parse(readFileSync(join(lake, LAKE.metricsKey), 'utf8')).split.end.replace(/Z$/, '');
    const counted = spawnSync(PYTHON, ['-c', TRUTH_PY, join(lake, LAKE.curatedPrefix), end, String(POPULAR.days), String(CATEGORY.days)], {
      encoding: 'utf8',
      env: { ...process.env, SPARK_LOCAL_IP: '127.0.0.1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(counted.status, 0, counted.stderr);
    truth = JSON.parse(counted.stdout.trim().split('\n').at(-1)!) as Truth;
    unitsOf = new Map(truth.units.map(([u, p, n]) => [`${u}/${p}`, n]));
    categoriesOf = new Map();
    for (const [u, c] of truth.categories) (categoriesOf.get(u) ?? categoriesOf.set(u, new Set()).get(u)!).add(c);

    // Every customer in the data, through the loader and the API as the site asks.
    const serving = await loadLocalServing(lake);
    const deps: ApiDeps = { recommendations: serving.recommendations, analytics: serving.analytics, fallback: cachedFallback(serving.recommendations) };
    const customers = [...new Set(truth.units.map(([u]) => u))];
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
    const popularRank = (product: string) => Object.values(truth.buyers).filter((n) => n > (truth.buyers[product] ?? 0)).length;
    const categoryRank = (category: string, product: string) => {
      const own = truth.line_items.find(([c, p]) => c === category && p === product)?.[2] ?? 0;
      return truth.line_items.filter(([c, , n]) => c === category && n > own).length;
    };
    const seen: Record<string, number> = {};
    const wrong: string[] = [];
    for (const answer of answers) {
      for (const item of answer.recommendations) {
        const reason = reasonFor(item);
        seen[reason.source] = (seen[reason.source] ?? 0) + 1;
        const bought = unitsOf.get(`${answer.user_id}/${item.product_id}`);
        const where = `${answer.user_id} ${item.product_id} (${reason.badge}: ${reason.text})`;
        switch (reason.source) {
          case 'repeat':
            if (bought === undefined || !reason.text.includes(bought === 1 ? 'bought 1 unit of it' : `bought ${bought.toLocaleString('en-US')} units of it`)) {
              wrong.push(`${where}: bought ${bought ?? 0} units`);
            }
            break;
          case 'als':
            if (bought !== undefined) wrong.push(`${where}: the customer bought it (${bought} units), the card does not say so`);
            if (!truth.units.some(([u, p]) => p === item.product_id && u !== answer.user_id)) wrong.push(`${where}: no other customer bought it`);
            break;
          case 'category': {
            const category = truth.product_category[item.product_id];
            if (bought !== undefined) wrong.push(`${where}: the customer bought it`);
            if (!category || !categoriesOf.get(answer.user_id)?.has(category)) wrong.push(`${where}: not a category the customer bought in`);
            else if (categoryRank(category, item.product_id) >= CATEGORY.size) wrong.push(`${where}: not among its category's ${CATEGORY.size} best sellers`);
            if (item.category_code && !reason.text.includes(formatCategory(item.category_code))) wrong.push(`${where}: names another category`);
            break;
          }
          case 'popular':
          case 'fallback':
            if (popularRank(item.product_id) >= POPULAR.size) wrong.push(`${where}: not among the ${POPULAR.size} products most customers bought in the last ${POPULAR.days} days`);
            break;
          case 'unknown':
            wrong.push(`${where}: the served data gives no reason`);
        }
      }
    }
    t.diagnostic(`cards checked by reason: ${JSON.stringify(seen)}`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} untrue cards of ${Object.values(seen).reduce((a, b) => a + b, 0)} (${JSON.stringify(seen)})`);
    assert.ok((seen.repeat ?? 0) > 0, 'the fixture has repeat cards to check');
  });
});

/**
 * The facts every part of recstream agrees on: the purchase event schema, the
 * row rules and reject codes, the topic, Firehose's buffering, the bucket
 * layout, the serving-store keys, and the Spark step plan with its ALS defaults.
 *
 * CDK, the Lambdas and the local twin import this folder (it depends on nothing, so the site and the Lambdas can
 * import it without pulling in CDK); the Spark jobs read
 * the same facts from emr-jobs/recstream_jobs/contract.json, which
 * `npm run contract` generates from here (a test fails when it is stale).
 */

export * from './purchase-event';
export * from './behaviour-event';
export * from './behaviour-serving';
export * from './streaming';
export * from './upload-kind';
export * from './realtime';
export * from './lake';
export * from './serving';
export * from './recommender';
export * from './analytics';
export * from './runtime';
export * from './rules';
export * from './pipeline';
export * from './spark';
export * from './catalog';
export * from './named-queries';

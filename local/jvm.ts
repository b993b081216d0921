/**
 * The JVM's quick (C1) compiler only: less compile work for a JVM that is not running long. The
 * twin gives it to a small upload's Spark (local/pipeline/spark.ts SMALL_INPUT_BYTES has the
 * measured crossover), to its broker on such a --once run, and to Kafka's one-shot storage tool.
 */
export const QUICK_COMPILER = '-XX:TieredStopAtLevel=1';

/** How `recstream` ends, for scripts: documented in `recstream run --help` and local/README.md. */
export const EXIT = {
  /** Done, or nothing to process. */
  ok: 0,
  /** The twin itself failed: a service would not start, a Spark job failed. */
  failed: 1,
  /** What was typed cannot be run. */
  usage: 2,
  /** Ingest did not take the file (its report's status is not `ok`): nothing after ingest ran. */
  ingestRejected: 3,
  sigint: 130,
  sigterm: 143,
} as const;

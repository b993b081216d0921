/**
 * A deployed Lambda's own log lines (`{"progress":…}`, `{"report":…}`) go to
 * CloudWatch on AWS; in the twin they go to a log file per function, so the
 * console keeps one line per stage. The handlers run in this process, so
 * console calls made inside an invocation — and by what it starts, such as its
 * Kafka client — are routed by the invocation's async context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createWriteStream, type WriteStream } from 'node:fs';
import { format } from 'node:util';

const invocation = new AsyncLocalStorage<WriteStream>();
const METHODS = ['log', 'info', 'warn', 'error', 'debug'] as const;
let routed = false;

const routeConsole = () => {
  if (routed) return;
  routed = true;
  for (const method of METHODS) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const file = invocation.getStore();
      if (file) file.write(`${new Date().toISOString()} ${format(...args)}\n`);
      else original(...args);
    };
  }
};

export interface LoggedHandler<A extends unknown[], R> {
  handler: (...args: A) => Promise<R>;
  /** Closes the log file. */
  close(): Promise<void>;
}

/** The handler, its console output appended to `file`. */
export const logToFile = <A extends unknown[], R>(handler: (...args: A) => Promise<R>, file: string): LoggedHandler<A, R> => {
  routeConsole();
  const out = createWriteStream(file, { flags: 'a' });
  return {
    handler: (...args) => invocation.run(out, () => handler(...args)),
    close: () => new Promise<void>((done) => out.end(done)),
  };
};

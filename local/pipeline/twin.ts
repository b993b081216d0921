/**
 * `recstream run`: the pipeline, then either a summary and exit (--once) or
 * the site served until Ctrl-C. Every started service is stopped on exit,
 * on failure and on SIGINT/SIGTERM.
 */
import { EXIT } from './exit-codes';
import { RunEnded } from './ingest-verdict';
import { Resources } from './resources';
import { runPipeline, type TwinOptions } from './run';
import { summaryLines } from './summary';

export const runTwin = async (options: TwinOptions & { once?: boolean }): Promise<number> => {
  const resources = new Resources();
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping ...`);
      void resources.closeAll((line) => console.log(`  ${line}`)).then(() => resolve(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const pipeline = runPipeline({ ...options, resources }).then(
    (run) => run,
    (error: Error) => {
      if (error instanceof RunEnded) return error;
      console.error(`\nrecstream run failed: ${error.message}`);
      return null;
    },
  );
  const run = await Promise.race([pipeline, stopped.then(() => 'signal' as const)]);
  if (run === 'signal') return stopped;
  if (run === null) return EXIT.failed;
  if (run instanceof RunEnded) {
    (run.code === EXIT.ok ? console.log : console.error)(run.line);
    return run.code;
  }
  for (const line of summaryLines(run.summary, run.url)) console.log(line);
  if (options.once) {
    await run.stop();
    return EXIT.ok;
  }
  console.log('\nServing on loopback; Ctrl-C stops everything.');
  return stopped;
};

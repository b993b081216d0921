/**
 * `recstream run`: the pipeline, then either a summary and exit (--once) or
 * the site served until Ctrl-C. Every started service is stopped on exit,
 * on failure and on SIGINT/SIGTERM.
 */
import { Resources } from './resources';
import { runPipeline, type TwinOptions } from './run';
import { summaryLines } from './summary';

export const runTwin = async (options: TwinOptions & { once?: boolean }): Promise<number> => {
  const resources = new Resources();
  const stopped = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      console.log(`\n${signal}: stopping ...`);
      void resources.closeAll((line) => console.log(`  ${line}`)).then(() => resolve(signal === 'SIGINT' ? 130 : 143));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  const pipeline = runPipeline({ ...options, resources }).then(
    (run) => run,
    (error: Error) => {
      console.error(`\nrecstream run failed: ${error.message}`);
      return null;
    },
  );
  const run = await Promise.race([pipeline, stopped.then(() => 'signal' as const)]);
  if (run === 'signal') return stopped;
  if (run === null) return 1;
  for (const line of summaryLines(run.summary, options.once ? undefined : run.url)) console.log(line);
  if (options.once) {
    await run.stop();
    return 0;
  }
  console.log('\nServing on loopback; Ctrl-C stops everything.');
  return stopped;
};

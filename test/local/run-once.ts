/** `recstream run ... --once` as a user runs it (`npm run local -- ... --once`), in a fresh work dir: its exit code and output. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** `args`: the run options before `--once`, e.g. `['--csv', file]` or `['--events', file]`; `workDir`: an earlier run's, to run on its lake. */
export const runOnce = (args: string[], workDir = mkdtempSync(join(tmpdir(), 'recstream-once-'))) =>
  new Promise<{ code: number | null; stdout: string; stderr: string; workDir: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'local/bin/recstream.ts'), 'run', ...args, '--once', '--work-dir', workDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr, workDir }));
  });

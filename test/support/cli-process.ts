import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The built admin CLI (test/global-setup.js builds it before the suite; `npm run cli` runs the same file). */
export const BUILT_CLI_MAIN = join(__dirname, '../../dist/apps/api/apps/api/src/cli/main.js');

export interface CliProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command of the built admin CLI as an operator does: a process of its own, `stdin` piped in (nothing by
 * default), and an environment of `PATH`, the suite's hash cost and `env` only, so that nothing of the runner's own
 * environment decides the outcome.
 */
export function runCliProcess(args: string[], env: Record<string, string>, stdin = ''): Promise<CliProcessRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BUILT_CLI_MAIN, ...args], {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH ?? '', PASSWORD_HASH_COST: '10', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

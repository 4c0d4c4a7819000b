import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const RepoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point under tsx, as `npm run` would, with an explicit environment. */
export function runTs(script: string, args: string[], env: Record<string, string | undefined> = {}) {
  return new Promise<SpawnResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: RepoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

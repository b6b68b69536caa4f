import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';

export const REPO = join(import.meta.dirname, '..', '..');

/** Runs the CLI in-process and captures what it prints. */
export async function jit(argv: string[], cwd = REPO, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env,
    cwd,
    now: () => Date.parse('2026-12-04T20:00:00Z'),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A scratch copy of the example organisation (policies, grants, CODEOWNERS). */
export function exampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jit-example-'));
  for (const p of ['policies', 'grants', '.github/CODEOWNERS', 'schemas']) {
    cpSync(join(REPO, p), join(dir, p), { recursive: true });
  }
  return dir;
}

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionEnvironment, type FakeGitHub } from './fake-github/index.js';

export const DIST = join(import.meta.dirname, '..', '..', 'dist', 'index.js');

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  ms: number;
  /** Requests the fake answered during this run. */
  requests: number;
  /** Their operation ids, in order. */
  operations: string[];
}

/** Parses GITHUB_OUTPUT as the runner writes it (`name<<delimiter` blocks). */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i]!);
    if (m) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
      out[m[1]!] = value.join('\n');
    } else if (lines[i]!.includes('=')) {
      const [k, ...v] = lines[i]!.split('=');
      out[k!] = v.join('=');
    }
  }
  return out;
}

/**
 * Runs the bundled action (`node dist/index.js`) exactly as the Actions runner does: inputs as
 * INPUT_*, the event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_API_URL pointing
 * at the fake, and a workspace holding a checkout of the default branch.
 */
export async function runAction(
  fake: FakeGitHub,
  opts: {
    eventName: string;
    payload: unknown;
    inputs: Record<string, string>;
    workspace?: string;
    /** Extra step environment (connector secrets). */
    env?: Record<string, string>;
  },
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-runner-'));
  const workspace = opts.workspace ?? join(dir, 'workspace');
  if (!opts.workspace) await fake.clone(workspace);
  const env = await actionEnvironment(fake, {
    dir,
    eventName: opts.eventName,
    payload: opts.payload,
  });
  const inputs = Object.fromEntries(
    Object.entries(opts.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
  const before = fake.requests.length;
  const t0 = performance.now();
  const child = spawn(process.execPath, [DIST], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      ...env,
      GITHUB_WORKSPACE: workspace,
      ...opts.env,
      ...inputs,
    },
    cwd: workspace,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const ms = performance.now() - t0;
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(env.GITHUB_OUTPUT!, 'utf8')),
    summary: readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8'),
    ms,
    requests: fake.requests.length - before,
    operations: fake.requests.slice(before).map((r) => r.operationId ?? `${r.method} ${r.path}`),
  };
}

/**
 * Runs the committed action bundle (`dist/index.js`) the way the GitHub Actions runner does:
 * INPUT_* variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, GITHUB_API_URL
 * pointing at the fake GitHub, and a fresh checkout of the default branch as the workspace.
 * Same contract as test/support/action.ts, but every file lives in the demo's own directory and
 * the child process is tracked, so Ctrl-C and failures leave nothing behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, parseOutputs } from '../test/support/action.js';
import { actionEnvironment, type FakeGitHub } from '../test/support/fake-github/index.js';

export interface ActionRun {
  code: number;
  /** The step log (what the Actions UI would show). */
  log: string;
  outputs: Record<string, string>;
  ms: number;
}

const running = new Set<ChildProcess>();
let stopped = false;

/** Kills action processes still running and refuses new ones (cleanup on failure or Ctrl-C). */
export function killRunningActions(): void {
  stopped = true;
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

let runs = 0;

export async function runAction(
  fake: FakeGitHub,
  options: {
    /** Parent directory for this run's runner files and checkout. */
    dir: string;
    eventName: string;
    payload: unknown;
    inputs: Record<string, string>;
    /** Step environment: connector secrets. */
    env?: Record<string, string>;
  },
): Promise<ActionRun> {
  if (stopped) throw new Error('the demo is stopping');
  const dir = join(options.dir, `run-${++runs}-${options.inputs.command ?? 'evaluate'}`);
  mkdirSync(dir, { recursive: true });
  const workspace = join(dir, 'workspace');
  await fake.clone(workspace);
  const runnerEnv = await actionEnvironment(fake, {
    dir: join(dir, 'runner'),
    eventName: options.eventName,
    payload: options.payload,
  });
  const inputs = Object.fromEntries(
    Object.entries(options.inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
  );
  const t0 = performance.now();
  const child = spawn(process.execPath, [DIST], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      ...runnerEnv,
      GITHUB_WORKSPACE: workspace,
      ...options.env,
      ...inputs,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let log = '';
  child.stdout.on('data', (d) => {
    log += d;
  });
  child.stderr.on('data', (d) => {
    log += d;
  });
  const code: number = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? -1));
  });
  running.delete(child);
  return {
    code,
    log,
    outputs: parseOutputs(readFileSync(runnerEnv.GITHUB_OUTPUT!, 'utf8')),
    ms: performance.now() - t0,
  };
}

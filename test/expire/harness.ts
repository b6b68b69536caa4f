import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatInstant } from '../../src/core/time.js';
import { REPO } from '../support/cli.js';
import {
  actionEnvironment,
  type FakeGitHub,
  type RequestRecord,
  scheduleEvent,
} from '../support/fake-github/index.js';
import { COUPA_POLICY, NETSUITE_POLICY } from '../support/fixtures.js';

/** Builds the action bundle from the current sources into a temp dir; returns dist/index.js. */
export function buildBundle(): string {
  const out = mkdtempSync(join(tmpdir(), 'jit-expire-dist-'));
  execFileSync('node', ['scripts/build.mjs'], {
    cwd: REPO,
    env: { ...process.env, JIT_BUILD_OUTDIR: out },
    stdio: 'inherit',
  });
  return join(out, 'index.js');
}

export const HOUR = 3_600_000;
export const iso = (ms: number) => formatInstant(ms);

/** A valid coupa grant (fixtures' policy) for `subject`, expiring at `expiresAt`. */
export function grantYaml(subject: string, expiresAt: number, ticket = 'PROC-4821'): string {
  return [
    `requester: ${subject}`,
    'role: invoice-approver',
    `ticket: ${ticket}`,
    'justification: Approve the Q4 invoices of vendor ACME while bob is on leave.',
    `expires_at: "${iso(expiresAt)}"`,
    'cost_center: CC-1234',
    '',
  ].join('\n');
}

/** The default branch of an adopting repo: the policy and `n` grants expiring at `expiresAt`. */
export function repoFiles(
  n: number,
  expiresAt: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  const files: Record<string, string> = {
    'policies/coupa.yaml': COUPA_POLICY,
    'policies/netsuite.yaml': NETSUITE_POLICY,
    ...extra,
  };
  for (let i = 0; i < n; i++)
    files[grantPath(i)] = grantYaml('alice', expiresAt, `PROC-${1000 + i}`);
  return files;
}

export const grantPath = (i: number) => `grants/coupa/alice-invoice-approver-proc-${1000 + i}.yaml`;

export interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** Requests the fake answered during this run. */
  requests: RequestRecord[];
  plan: {
    remove: Array<{ path: string }>;
    skipped: Array<{ path: string; kind: string }>;
    close: Array<{ number: number; kinds: string[] }>;
    removal: { outcome: string; number?: number; branch?: string; merged?: boolean } | null;
    closed: number[];
    api_requests: number;
  };
}

/**
 * Runs the bundled action as the Actions runner does: a checkout of the fake's default branch
 * as GITHUB_WORKSPACE, `INPUT_*` variables, a `schedule` event file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, GITHUB_API_URL pointing at the fake. `afterCheckout` runs between
 * the checkout and the action (to make the checkout fall behind the default branch).
 */
export async function runExpireAction(
  bundle: string,
  fake: FakeGitHub,
  inputs: Record<string, string> = {},
  afterCheckout?: () => Promise<void>,
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'jit-expire-run-'));
  const workspace = join(dir, 'workspace');
  await fake.clone(workspace);
  if (afterCheckout) await afterCheckout();
  const env = await actionEnvironment(fake, {
    dir: join(dir, 'runner'),
    eventName: 'schedule',
    payload: scheduleEvent(fake),
  });
  const before = fake.requests.length;
  const full: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    ...env,
    GITHUB_WORKSPACE: workspace,
    INPUT_COMMAND: 'expire',
    INPUT_TOKEN: fake.appToken,
    'INPUT_API-BUDGET': '200',
    'INPUT_REQUEST-TTL': '72h',
    'INPUT_AUTO-MERGE': 'false',
    'INPUT_DRY-RUN': 'false',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  // Async: the fake answers from this process, so a synchronous spawn would deadlock.
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(
        'node',
        [bundle],
        { cwd: workspace, env: full, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number }).code ?? 1) : 0;
          resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    },
  );
  const outputs = parseOutputs(readFileSync(env.GITHUB_OUTPUT!, 'utf8'));
  return {
    ...result,
    outputs,
    summary: readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8'),
    requests: fake.requests.slice(before),
    plan: outputs['plan-path'] ? JSON.parse(readFileSync(outputs['plan-path'], 'utf8')) : null,
  };
}

/** `name<<delimiter\nvalue\ndelimiter` blocks, as @actions/core writes GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

/** Open pull requests of the fake whose head is a removal branch. */
export function openRemovalPulls(fake: FakeGitHub) {
  return [...fake.state.pulls.values()].filter(
    (p) => p.state === 'open' && p.headRef.startsWith('jit/expire/'),
  );
}

/** Paths a branch deletes relative to the default branch, and its commits on top of it. */
export async function branchChanges(fake: FakeGitHub, branch: string) {
  const deleted = (
    await fake.repo.git(['diff', '--name-only', '--diff-filter=D', `main...${branch}`])
  )
    .split('\n')
    .filter(Boolean);
  const other = (
    await fake.repo.git(['diff', '--name-only', '--diff-filter=ACMRT', `main...${branch}`])
  )
    .split('\n')
    .filter(Boolean);
  const commits = Number((await fake.repo.git(['rev-list', '--count', `main..${branch}`])).trim());
  return { deleted, other, commits };
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExpire } from '../../src/action/expire-command.js';
import { readInputs } from '../../src/action/inputs.js';
import type { Runner } from '../../src/action/runner.js';
import { RestExpiryGitHub } from '../../src/github/rest-expiry.js';
import { branchName } from '../../src/jobs/expire/plan.js';
import { type FakeGitHub, startFakeGitHub, warmUp } from '../support/fake-github/index.js';
import { branchChanges, grantPath, HOUR, openRemovalPulls, repoFiles } from './harness.js';

// Idempotence and races, in-process (the same runExpire the bundle runs) so that two runs can
// overlap for real: both plan from the same state before either writes.

const fakes: FakeGitHub[] = [];
beforeAll(() => warmUp());
afterEach(async () => {
  for (const f of fakes.splice(0)) {
    expect(f.violations).toEqual([]);
    await f.close();
  }
});

async function fake(n: number) {
  const f = await startFakeGitHub({ files: repoFiles(n, Date.now() - HOUR), logViolations: false });
  fakes.push(f);
  return f;
}

interface Run {
  outputs: Map<string, string>;
  failures: string[];
  log: string[];
  go: () => Promise<void>;
  requests: () => number;
}

/** One expire run at the instant `now` with its own checkout, port and runner. */
async function prepare(
  f: FakeGitHub,
  now: number,
  opts: { inputs?: Record<string, string>; beforeWrite?: Promise<void> } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'jit-expire-race-'));
  await f.clone(join(dir, 'ws'));
  const inputs: Record<string, string> = { command: 'expire', token: f.appToken, ...opts.inputs };
  const parsed = readInputs((name) => inputs[name] ?? '');
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const run: Run = {
    outputs: new Map(),
    failures: [],
    log: [],
    go: async () => {},
    requests: () => 0,
  };
  const runner: Runner = {
    eventName: 'schedule',
    event: { repository: { default_branch: 'main' } },
    workspace: join(dir, 'ws'),
    tempDir: join(dir, 'tmp'),
    serverUrl: 'https://github.com',
    repository: 'acme/access',
    env: {},
    now: () => now,
    info: (m) => run.log.push(m),
    warning: (m) => run.log.push(`warning: ${m}`),
    error: (m) => run.log.push(`error: ${m}`),
    setOutput: (k, v) => run.outputs.set(k, v),
    summary: async () => {},
    fail: (m) => run.failures.push(m),
  };
  const port = new RestExpiryGitHub({
    token: f.appToken,
    owner: 'acme',
    repo: 'access',
    baseUrl: f.url,
    budget: 200,
  });
  // Optionally hold the run after its reads, before its first write (createTree).
  const gated = new Proxy(port, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      if (prop === 'createTree' && opts.beforeWrite) {
        return async (...args: unknown[]) => {
          await opts.beforeWrite;
          return v.apply(target, args);
        };
      }
      return v.bind(target);
    },
  });
  run.go = () => runExpire(parsed.value, gated, runner);
  run.requests = () => port.requests;
  return run;
}

describe('expire: idempotence and races', () => {
  it('two overlapping runs (different seconds) leave exactly one open removal pull request', async () => {
    const f = await fake(3);
    const t = Date.now();
    const a = await prepare(f, t);
    const b = await prepare(f, t + 1000);
    await Promise.all([a.go(), b.go()]);
    expect([...a.failures, ...b.failures]).toEqual([]);
    const open = openRemovalPulls(f);
    expect(open).toHaveLength(1);
    expect((await branchChanges(f, open[0]!.headRef)).deleted).toEqual([
      grantPath(0),
      grantPath(1),
      grantPath(2),
    ]);
    // The newer duplicate, if one was opened, closed itself and its branch is gone.
    const all = [...f.state.pulls.values()];
    for (const p of all.filter((x) => x.state === 'closed')) {
      expect(f.state.commentsOn(p.number)[0]?.body).toContain(`Superseded by #${open[0]!.number}`);
      expect(await f.repo.refTarget(`refs/heads/${p.headRef}`)).toBeNull();
    }
    const logs = [...a.log, ...b.log].join('\n');
    console.log(
      `overlapping runs: ${all.length} removal PR(s) opened, ${all.length - 1} superseded; ${a.requests()} + ${b.requests()} API requests`,
    );
    expect(logs).not.toContain('error');
  });

  it('two overlapping runs in the same second converge on one branch and one pull request', async () => {
    const f = await fake(2);
    const t = Date.now();
    // b plans, a runs to the end, then b writes: b finds its branch taken with the same tree.
    // (Simultaneous ref creation is not used: the fake answers it with a 500, see the report.)
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const a = await prepare(f, t);
    const b = await prepare(f, t, { beforeWrite: held });
    const bDone = b.go();
    await until(() => f.requests.some((q) => q.operationId === 'pulls/list' && q.status > 0));
    await a.go();
    release();
    await bDone;
    expect(b.log.join('\n')).toContain('already exists');
    expect([...a.failures, ...b.failures]).toEqual([]);
    expect(openRemovalPulls(f)).toHaveLength(1);
    expect([...f.state.pulls.values()]).toHaveLength(1);
    expect((await f.repo.listRefs('refs/heads/jit/')).map((r) => r.ref)).toEqual([
      `refs/heads/${branchName(t)}`,
    ]);
  });

  it('a later run whose plan is stale closes its own newer duplicate', async () => {
    const f = await fake(2);
    const t = Date.now();
    // b reads the state first, then a opens its PR, then b writes: b must not leave a duplicate.
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const a = await prepare(f, t);
    const b = await prepare(f, t + 1000, { beforeWrite: held });
    const bDone = b.go();
    await until(() => f.requests.some((q) => q.operationId === 'pulls/list' && q.status > 0));
    await a.go();
    release();
    await bDone;
    expect(openRemovalPulls(f).map((p) => p.number)).toEqual([1]);
    expect(f.state.pull(2).state).toBe('closed');
    expect(b.log.join('\n')).toContain('closed #2: a concurrent run');
  });

  it('an existing branch with the same content (a run stopped before its PR) is reused', async () => {
    const f = await fake(2);
    const t = Date.now();
    await f.state.commitFiles({
      branch: branchName(t),
      files: { [grantPath(0)]: null, [grantPath(1)]: null },
      author: 'jit-access[bot]',
    });
    const r = await prepare(f, t);
    await r.go();
    expect(r.failures).toEqual([]);
    const [pr] = openRemovalPulls(f);
    expect(pr!.headRef).toBe(branchName(t));
    expect(r.log.join('\n')).toContain(`opened removal pull request #${pr!.number}`);
    expect((await f.repo.listRefs('refs/heads/jit/')).length).toBe(1);
  });

  it('an existing branch with other content is never overwritten: a sibling branch is used', async () => {
    const f = await fake(2);
    const t = Date.now();
    const theirs = await f.state.commitFiles({
      branch: branchName(t),
      files: { 'notes.txt': 'someone else\n' },
    });
    const r = await prepare(f, t);
    await r.go();
    expect(r.failures).toEqual([]);
    expect(await f.repo.refTarget(`refs/heads/${branchName(t)}`)).toBe(theirs);
    const [pr] = openRemovalPulls(f);
    expect(pr!.headRef).toMatch(new RegExp(`^${branchName(t)}-[0-9a-f]{7}$`));
    expect((await branchChanges(f, pr!.headRef)).deleted).toEqual([grantPath(0), grantPath(1)]);
  });

  it('a removal PR that lost its label (run stopped before labelling) still counts and is relabelled', async () => {
    const f = await fake(1);
    const old = await f.state.openPullRequest({
      author: 'jit-access[bot]',
      head: 'jit/expire/20260101T000000Z',
      files: { [grantPath(0)]: null },
    });
    const r = await prepare(f, Date.now());
    await r.go();
    expect(openRemovalPulls(f).map((p) => p.number)).toEqual([old.number]);
    expect(f.state.pull(old.number).labels).toEqual(['jit:expired']);
  });

  it('a label alone does not make a pull request a removal (label needs only triage access)', async () => {
    const f = await fake(1);
    const fakeRemoval = await f.state.openPullRequest({
      author: 'mallory',
      head: 'not-a-removal',
      files: { [grantPath(0)]: null },
      labels: ['jit:expired'],
    });
    const r = await prepare(f, Date.now());
    await r.go();
    const mine = openRemovalPulls(f);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.number).not.toBe(fakeRemoval.number);
    expect((await branchChanges(f, mine[0]!.headRef)).deleted).toEqual([grantPath(0)]);
  });
});

/** Waits until `cond` holds (polling; the fake answers in this process). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition not reached');
}

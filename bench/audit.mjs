// Benchmark part `audit`: `jit audit --json` (and `--verify`) over a generated git history of
// 10,000 grant changes (bench/gen-history.mjs, one `git fast-import`), against the floor:
//   - `git log --name-status` over the same repository (what the issue names), and
//   - `git log --first-parent -M --name-status -- grants/` (the same walk jit does, without
//     reading any content).
// jit audit cannot be faster than git listing the changes; audit/floor says what reading the
// grant contents, the trailers, building the events and printing them cost on top.
// Every jit run is checked against what the generator wrote (exact event counts by kind,
// unknown approvers, the planted E_PROVENANCE findings): a benchmark of a wrong answer is
// meaningless. Goals (at the largest size): audit within 5x the floor, verify at most 1.25x
// audit, peak RSS under 300 MB. A missed goal is reported, not fatal.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHistory } from './gen-history.mjs';
import { median, rssMethodName, runOnce } from './lib/measure.mjs';

export const description =
  'jit audit --json / --verify over 10k grant changes of git history vs. git log --name-status';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(REPO, '.tmp', 'bench');
const DEFAULT_SIZES = [10000];
const DEFAULT_RUNS = 5;
const GOAL_FLOOR_RATIO = 5;
const GOAL_VERIFY_RATIO = 1.25;
const GOAL_RSS_MIB = 300;

export class Inconsistent extends Error {}

/**
 * The CLI to measure: bin/jit.js when its bundle (dist/cli/bin.js) knows `audit` and is newer than
 * every source file; otherwise a fresh bundle of the current sources in .tmp (dist/ is rebuilt
 * by its owner, not by benchmarks), said in the notes.
 */
function cliPath(notes) {
  const bundle = join(REPO, 'dist', 'cli', 'bin.js');
  let newest = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(REPO, 'src'));
  const probe = spawnSync(process.execPath, ['bin/jit.js', 'audit', '--help'], { cwd: REPO });
  const why =
    probe.status !== 0
      ? 'dist/cli/bin.js has no audit command'
      : statSync(bundle).mtimeMs < newest
        ? 'dist/cli/bin.js is older than some file in src/'
        : undefined;
  if (!why) return 'bin/jit.js';
  mkdirSync(WORK, { recursive: true });
  const outdir = mkdtempSync(join(WORK, 'audit-build-'));
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], {
    cwd: REPO,
    env: { ...process.env, JIT_BUILD_OUTDIR: outdir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (b.status !== 0) throw new Inconsistent('bundling the current sources failed');
  notes.push(
    `note: ${why}; measured a fresh bundle of the current sources (in .tmp/bench, same build script).`,
  );
  return join(outdir, 'cli', 'bin.js');
}

/** One run of `git ARGS`: wall ms, CPU ms and peak RSS through GNU time when present. */
function runGitOnce(args, cwd) {
  const dir = mkdtempSync(join(tmpdir(), 'jit-bench-'));
  const rssFile = join(dir, 'rss');
  const gnu = rssMethodName() === 'gnu-time';
  const file = gnu ? '/usr/bin/time' : 'git';
  const argv = gnu ? ['-f', '%M %U %S', '-o', rssFile, 'git', ...args] : args;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let cpuMs = Number.NaN;
  let rssKiB = Number.NaN;
  if (existsSync(rssFile)) {
    const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
    const [rss, user, sys] = lines[lines.length - 1].split(' ').map(Number);
    rssKiB = rss;
    cpuMs = (user + sys) * 1000;
  }
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Inconsistent(`git ${args[0]} failed: ${r.stderr.toString()}`);
  return { ms, cpuMs, rssKiB, code: r.status };
}

function checkEvents(res, gen) {
  if (res.code !== 0) {
    throw new Inconsistent(`jit audit --json exited ${res.code}\n${res.stderr.slice(0, 2000)}`);
  }
  const doc = JSON.parse(res.stdout);
  const counts = { granted: 0, extended: 0, narrowed: 0, revoked: 0, expired: 0 };
  let unknown = 0;
  for (const e of doc.events) {
    counts[e.event]++;
    if (e.approvers === null) unknown++;
  }
  const problems = [];
  if (doc.head !== gen.head) problems.push(`head ${doc.head} != ${gen.head}`);
  for (const [k, want] of Object.entries(gen.events)) {
    if (counts[k] !== want) problems.push(`${k}: ${counts[k]} reported, ${want} written`);
  }
  if (unknown !== gen.unknownApprovers) {
    problems.push(`approvers unknown on ${unknown} events, ${gen.unknownApprovers} planted`);
  }
  if (problems.length > 0) throw new Inconsistent(`jit audit events: ${problems.join('; ')}`);
  return doc.events.length;
}

function checkFindings(res, gen) {
  if (res.code !== 1) {
    throw new Inconsistent(`jit audit --verify exited ${res.code} (expected 1: planted findings)`);
  }
  const paths = JSON.parse(res.stdout)
    .findings.map((f) => f.path)
    .sort();
  if (JSON.stringify(paths) !== JSON.stringify(gen.findings)) {
    throw new Inconsistent(
      `jit audit --verify found ${paths.join(', ')}; planted ${gen.findings.join(', ')}`,
    );
  }
  return paths.length;
}

function summarize(label, samples) {
  const ms = samples.map((s) => s.ms);
  return {
    label,
    runs: ms.length,
    medianMs: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    samplesMs: ms,
    medianCpuMs: median(samples.map((s) => s.cpuMs)),
    peakRssMiB: Math.max(...samples.map((s) => s.rssKiB)) / 1024,
  };
}

function sizeCase(n, runs, cli, log) {
  // A directory of this run's own: parts may run concurrently from several shells.
  mkdirSync(WORK, { recursive: true });
  const root = mkdtempSync(join(WORK, `audit-${n}-`));
  try {
    return measureCase(root, n, runs, cli, log);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function measureCase(root, n, runs, cli, log) {
  const t0 = Date.now();
  const gen = generateHistory({ root, n, seed: 20261205, policiesDir: join(REPO, 'policies') });
  log(
    `  generated ${gen.changes} grant changes in ${gen.commits} commits (${gen.merges} merge commits) in ${Date.now() - t0} ms; ${gen.eventTotal} events expected, ${gen.findings.length} planted E_PROVENANCE`,
  );
  const jitArgs = (...more) => [cli, 'audit', '--root', root, '--json', ...more];
  const cmds = [
    { label: 'jit audit --json', kind: 'node', args: jitArgs() },
    { label: 'jit audit --json --verify', kind: 'node', args: jitArgs('--verify'), code: 1 },
    { label: 'floor: git log --name-status', kind: 'git', args: ['log', '--name-status'] },
    {
      label: 'floor: git log --first-parent -M --name-status -- grants/',
      kind: 'git',
      args: ['log', '--first-parent', '-M', '--name-status', '--', 'grants/'],
    },
    { label: 'jit --help (node + bundle load)', kind: 'node', args: [cli, '--help'] },
  ];
  // Untimed: the answers, checked in full (stdout captured), and the warm-up.
  const events = checkEvents(runOnce({ cwd: REPO, args: cmds[0].args }), gen);
  const findings = checkFindings(runOnce({ cwd: REPO, args: cmds[1].args }), gen);
  for (const c of cmds.slice(2)) {
    if (c.kind === 'git') runGitOnce(c.args, root);
    else runOnce({ cwd: REPO, args: c.args, stdout: 'ignore' });
  }
  const samples = cmds.map(() => []);
  for (let r = 0; r < runs; r++) {
    cmds.forEach((c, i) => {
      const res =
        c.kind === 'git'
          ? runGitOnce(c.args, root)
          : runOnce({ cwd: REPO, args: c.args, stdout: 'ignore' });
      if (res.code !== (c.code ?? 0)) {
        throw new Inconsistent(`${c.label} exited ${res.code}\n${res.stderr ?? ''}`);
      }
      samples[i].push(res);
      log(`    ${c.label.padEnd(58)} run ${r + 1}/${runs} ${res.ms.toFixed(0)} ms`);
    });
  }
  const [audit, verify, floor, floorWalk, load] = cmds.map((c, i) =>
    summarize(c.label, samples[i]),
  );
  return { n, gen, events, findings, audit, verify, floor, floorWalk, load };
}

export function run({ sizes = DEFAULT_SIZES, runs = DEFAULT_RUNS, log = console.log } = {}) {
  const notes = [];
  const cli = cliPath(notes);
  const cases = [];
  try {
    for (const n of sizes) {
      log(`audit: N = ${n} grant changes (${runs} runs each, interleaved, after one warm-up run)`);
      cases.push(sizeCase(n, runs, cli, log));
    }
  } finally {
    if (cli !== 'bin/jit.js') rmSync(dirname(cli), { recursive: true, force: true });
  }
  const rows = [];
  for (const c of cases) {
    for (const m of [c.audit, c.verify, c.floor, c.floorWalk, c.load]) rows.push([c.n, m]);
  }
  const ratios = cases.map((c) => ({
    N: c.n,
    auditFloor: c.audit.medianMs / c.floor.medianMs,
    auditFloorWalk: c.audit.medianMs / c.floorWalk.medianMs,
    verifyAudit: c.verify.medianMs / c.audit.medianMs,
    cpuAuditFloor: c.audit.medianCpuMs / c.floor.medianCpuMs,
    netOfStartupFloor: (c.audit.medianMs - c.load.medianMs) / c.floor.medianMs,
    perChangeUs: ((c.audit.medianMs - c.load.medianMs) / c.n) * 1000,
  }));
  const goals = [];
  const big = cases[cases.length - 1];
  const r = ratios[ratios.length - 1];
  if (big) {
    goals.push({
      goal: `N=${big.n}: jit audit --json within ${GOAL_FLOOR_RATIO}x git log --name-status`,
      value: `${r.auditFloor.toFixed(2)}x`,
      pass: r.auditFloor <= GOAL_FLOOR_RATIO,
    });
    goals.push({
      goal: `N=${big.n}: --verify at most ${GOAL_VERIFY_RATIO}x jit audit --json`,
      value: `${r.verifyAudit.toFixed(2)}x`,
      pass: r.verifyAudit <= GOAL_VERIFY_RATIO,
    });
    goals.push({
      goal: `N=${big.n}: jit audit peak RSS under ${GOAL_RSS_MIB} MB`,
      value: `${big.audit.peakRssMiB.toFixed(0)} MB`,
      pass: big.audit.peakRssMiB < GOAL_RSS_MIB,
    });
  }
  return {
    part: 'audit',
    notes,
    columns: ['N', 'command', 'median ms', 'min ms', 'max ms', 'CPU ms', 'runs', 'peak RSS MB'],
    table: rows.map(([n, m]) => [
      String(n),
      m.label,
      m.medianMs.toFixed(0),
      m.minMs.toFixed(0),
      m.maxMs.toFixed(0),
      m.medianCpuMs.toFixed(0),
      String(m.runs),
      m.peakRssMiB.toFixed(0),
    ]),
    extra: ratios.map(
      (x) =>
        `N=${x.N}: audit/floor ${x.auditFloor.toFixed(2)}x (vs. the first-parent grants/ walk ${x.auditFloorWalk.toFixed(2)}x; by CPU time ${x.cpuAuditFloor.toFixed(2)}x; net of node + bundle load ${x.netOfStartupFloor.toFixed(2)}x), verify/audit ${x.verifyAudit.toFixed(2)}x, ${x.perChangeUs.toFixed(0)} us per grant change net of startup`,
    ),
    goals,
    data: {
      cli: cli === 'bin/jit.js' ? cli : 'fresh bundle of the sources',
      cases: cases.map((c) => ({
        n: c.n,
        generated: c.gen,
        events: c.events,
        findings: c.findings,
        audit: c.audit,
        verify: c.verify,
        floor: c.floor,
        floorWalk: c.floorWalk,
        load: c.load,
      })),
      ratios,
    },
  };
}

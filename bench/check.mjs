// Benchmark part `check`: `jit check` on generated trees of 1,000 and 10,000 grants, against
//   - the floor: a plain Node script that only reads and YAML-parses the same files, and
//   - a peer doing strictly less: `ajv-cli validate` of the grant files against the grant schema.
// Goals (at the largest size): check within 1.5x the floor, faster than ajv-cli, peak RSS
// under 300 MB, linear growth. A missed goal is reported, not fatal; inconsistent results
// (wrong exit code, findings not the planted ones) are fatal.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_NOW, generateTree } from './gen-grants.mjs';
import { measureInterleaved } from './lib/measure.mjs';

export const description =
  'jit check on 1k/10k generated grants vs. a read+parse floor and ajv-cli validate';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(REPO, '.tmp', 'bench');
const DEFAULT_SIZES = [1000, 10000];
const DEFAULT_RUNS = { 1000: 5, 10000: 3 };
const STARTUP_RUNS = 5;

const GOAL_FLOOR_RATIO = 1.5;
const GOAL_RSS_MIB = 300;
const GOAL_LINEARITY = 1.2; // net-of-startup growth at most 20% above proportional

class Inconsistent extends Error {}

const checkCmd = (root) => ({
  label: 'jit check',
  cwd: REPO,
  args: ['bin/jit.js', 'check', '--root', root, '--json', '--now', BENCH_NOW],
});

/** Verifies one `jit check` run against what the generator planted. */
function verifyCheck(res, gen) {
  if (res.code !== 1) {
    throw new Inconsistent(
      `jit check exited ${res.code} (expected 1: planted findings)\n${res.stderr.slice(0, 2000)}`,
    );
  }
  let report;
  try {
    report = JSON.parse(res.stdout);
  } catch {
    throw new Inconsistent(`jit check --json printed no JSON:\n${res.stdout.slice(0, 2000)}`);
  }
  const counts = {};
  for (const e of report.errors) counts[e.code] = (counts[e.code] ?? 0) + 1;
  const problems = [];
  if (report.grants !== gen.grants) problems.push(`grants ${report.grants} != ${gen.grants}`);
  if (report.policies !== gen.policies) {
    problems.push(`policies ${report.policies} != ${gen.policies}`);
  }
  for (const [code, want] of Object.entries(gen.expected)) {
    const got = counts[code] ?? 0;
    // Exact is expected (the generator knows its plants); within half is "roughly".
    if (got < want * 0.5 || got > want * 1.5 || (want > 0 && got === 0)) {
      problems.push(`${code}: ${got} reported, ${want} planted`);
    }
  }
  for (const [code, got] of Object.entries(counts)) {
    if (!(code in gen.expected)) {
      const sample = report.errors.find((e) => e.code === code)?.message;
      problems.push(`unplanted ${code} x${got} (generator bug?), e.g. ${sample}`);
    }
  }
  if (problems.length > 0) {
    throw new Inconsistent(`jit check findings do not match the plants: ${problems.join('; ')}`);
  }
  return counts;
}

/**
 * ajv-cli exits 0 even when the glob matches nothing; one untimed run with stdout in a file
 * proves it validated every grant file.
 */
function verifyAjvCli(cmd, gen) {
  const out = join(WORK, 'ajv-cli.out');
  const fd = openSync(out, 'w');
  const r = spawnSync(process.execPath, cmd.args, { cwd: cmd.cwd, stdio: ['ignore', fd, 'pipe'] });
  closeSync(fd);
  const valid = readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.endsWith(' valid')).length;
  if (r.status !== 0 || valid !== gen.grants) {
    throw new Inconsistent(
      `ajv-cli: exit ${r.status}, ${valid} of ${gen.grants} grant files valid\n${r.stderr.toString().slice(0, 2000)}`,
    );
  }
}

function sizeCase(n, runs, log) {
  const root = join(WORK, `check-${n}`);
  const gen = generateTree({ root, n, seed: 20261205, policiesDir: join(REPO, 'policies') });
  log(
    `  generated ${gen.grants} grants (${gen.subjects} subjects, ${(gen.bytes / 1024).toFixed(0)} KiB), planted ${gen.expected.E_OVERLAP} E_OVERLAP + ${gen.expected.E_SOD_CONFLICT} E_SOD_CONFLICT`,
  );
  let counts;
  const cmds = [
    {
      ...checkCmd(root),
      check: (res) => {
        counts = verifyCheck(res, gen);
      },
    },
    {
      label: 'floor (read+parse)',
      cwd: REPO,
      args: ['bench/floor-parse.mjs', root],
      check: (res) => {
        const want = gen.grants + gen.policies;
        if (res.code !== 0 || Number(res.stdout.trim()) !== want) {
          throw new Inconsistent(
            `floor-parse: exit ${res.code}, parsed ${res.stdout.trim()} files, expected ${want}\n${res.stderr.slice(0, 2000)}`,
          );
        }
      },
    },
    {
      label: 'ajv-cli validate',
      cwd: REPO,
      args: [
        'node_modules/ajv-cli/dist/index.js',
        'validate',
        '--spec=draft2020',
        '-s',
        'schemas/grant.schema.json',
        '-d',
        `${root}/grants/*/*.yaml`,
      ],
      // ajv-cli prints one line per file and then calls process.exit(): into a pipe most of
      // them would be dropped unwritten, so its stdout goes to /dev/null; exit 0 = all valid.
      stdout: 'ignore',
      check: (res) => {
        if (res.code !== 0 || res.stderr.includes(' invalid')) {
          throw new Inconsistent(`ajv-cli: exit ${res.code}\n${res.stderr.slice(0, 2000)}`);
        }
      },
    },
  ];
  verifyAjvCli(cmds[2], gen);
  const results = measureInterleaved(cmds, {
    runs,
    onRun: (c, r, res) => log(`    ${c.label.padEnd(20)} run ${r + 1}/${runs} ${fmtMs(res.ms)}`),
  });
  const [check, floor, ajv] = results;
  return { n, gen, counts, check, floor, ajv };
}

function startupCase(runs, log) {
  // Fixed costs, to read the per-grant cost against: node + loading the bundle (`jit --help`),
  // and `jit check` of the same policies with no grants (adds schema compilation and policy
  // validation).
  const root = join(WORK, 'check-0');
  const gen = generateTree({ root, n: 0, policiesDir: join(REPO, 'policies') });
  const exit0 = (what) => (res) => {
    if (res.code !== 0) throw new Inconsistent(`${what} exited ${res.code}\n${res.stdout}`);
  };
  const [load, check] = measureInterleaved(
    [
      {
        label: 'jit --help (bundle load)',
        cwd: REPO,
        args: ['bin/jit.js', '--help'],
        check: exit0('jit --help'),
      },
      { ...checkCmd(root), label: 'jit check (0 grants)', check: exit0('jit check on 0 grants') },
    ],
    { runs },
  );
  log(`  jit --help: ${fmtMs(load.medianMs)}; jit check, 0 grants: ${fmtMs(check.medianMs)}`);
  return { n: 0, gen, load, check };
}

const fmtMs = (ms) => `${ms.toFixed(0)} ms`;

/** Newest mtime of the TypeScript sources vs. the bundle bin/jit.js runs. */
function bundleNote() {
  const bundle = join(REPO, 'dist', 'cli', 'bin.js');
  if (!existsSync(bundle)) {
    throw new Inconsistent('dist/cli/bin.js is missing: run `npm run build` first');
  }
  let newest = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(join(REPO, 'src'));
  return statSync(bundle).mtimeMs < newest
    ? 'note: dist/cli/bin.js is older than some file in src/; the figures measure the bundle as built.'
    : undefined;
}

export function run({ sizes = DEFAULT_SIZES, runs, log = console.log } = {}) {
  const notes = [];
  const stale = bundleNote();
  if (stale) notes.push(stale);
  log('check: startup baseline');
  const startup = startupCase(STARTUP_RUNS, log);
  const cases = [];
  for (const n of sizes) {
    const r = runs ?? DEFAULT_RUNS[n] ?? 3;
    log(`check: N = ${n} (${r} runs each, interleaved, after one warm-up run)`);
    cases.push(sizeCase(n, r, log));
  }

  const rows = [];
  for (const m of [startup.load, startup.check]) {
    rows.push({
      N: 0,
      command: m.label,
      median: m.medianMs,
      min: m.minMs,
      max: m.maxMs,
      cpu: m.medianCpuMs,
      runs: m.runs,
      rss: m.peakRssMiB,
    });
  }
  for (const c of cases) {
    for (const m of [c.check, c.floor, c.ajv]) {
      rows.push({
        N: c.n,
        command: m.label,
        median: m.medianMs,
        min: m.minMs,
        max: m.maxMs,
        cpu: m.medianCpuMs,
        runs: m.runs,
        rss: m.peakRssMiB,
      });
    }
  }

  const ratios = cases.map((c) => ({
    N: c.n,
    checkFloor: c.check.medianMs / c.floor.medianMs,
    checkAjv: c.check.medianMs / c.ajv.medianMs,
    floorAjv: c.floor.medianMs / c.ajv.medianMs,
    cpuCheckFloor: c.check.medianCpuMs / c.floor.medianCpuMs,
    cpuCheckAjv: c.check.medianCpuMs / c.ajv.medianCpuMs,
    perGrantMs: (c.check.medianMs - startup.check.medianMs) / c.n,
  }));

  const goals = [];
  const big = cases[cases.length - 1];
  const bigRatio = ratios[ratios.length - 1];
  if (big) {
    goals.push({
      goal: `N=${big.n}: check within ${GOAL_FLOOR_RATIO}x the floor`,
      value: `${bigRatio.checkFloor.toFixed(2)}x`,
      pass: bigRatio.checkFloor <= GOAL_FLOOR_RATIO,
    });
    goals.push({
      goal: `N=${big.n}: check faster than ajv-cli`,
      value: `${bigRatio.checkAjv.toFixed(2)}x`,
      pass: bigRatio.checkAjv < 1,
    });
    goals.push({
      goal: `N=${big.n}: check peak RSS under ${GOAL_RSS_MIB} MB`,
      value: `${big.check.peakRssMiB.toFixed(0)} MB`,
      pass: big.check.peakRssMiB < GOAL_RSS_MIB,
    });
  }
  let growth;
  if (cases.length >= 2) {
    const a = cases[0];
    const b = cases[cases.length - 1];
    const t0 = startup.check.medianMs;
    const scale = b.n / a.n;
    growth = {
      from: a.n,
      to: b.n,
      scale,
      raw: b.check.medianMs / a.check.medianMs,
      net: (b.check.medianMs - t0) / Math.max(1, a.check.medianMs - t0),
      rss: b.check.peakRssMiB / a.check.peakRssMiB,
    };
    goals.push({
      goal: `linear growth: (t${b.n} - t0)/(t${a.n} - t0) at most ${GOAL_LINEARITY}x ${scale}`,
      value: `${growth.net.toFixed(1)} (raw ${growth.raw.toFixed(1)})`,
      pass: growth.net <= scale * GOAL_LINEARITY,
    });
  }

  return {
    part: 'check',
    notes,
    columns: ['N', 'command', 'median ms', 'min ms', 'max ms', 'CPU ms', 'runs', 'peak RSS MB'],
    table: rows.map((r) => [
      String(r.N),
      r.command,
      r.median.toFixed(0),
      r.min.toFixed(0),
      r.max.toFixed(0),
      r.cpu.toFixed(0),
      String(r.runs),
      r.rss.toFixed(0),
    ]),
    extra: [
      ...ratios.map(
        (r) =>
          `N=${r.N}: check/floor ${r.checkFloor.toFixed(2)}x, check/ajv-cli ${r.checkAjv.toFixed(2)}x, floor/ajv-cli ${r.floorAjv.toFixed(2)}x, check ${(r.perGrantMs * 1000).toFixed(0)} us/grant net of startup; by CPU time: check/floor ${r.cpuCheckFloor.toFixed(2)}x, check/ajv-cli ${r.cpuCheckAjv.toFixed(2)}x`,
      ),
      ...(growth
        ? [
            `growth ${growth.from} -> ${growth.to} (x${growth.scale}): check time x${growth.raw.toFixed(2)} raw, x${growth.net.toFixed(2)} net of startup; peak RSS x${growth.rss.toFixed(2)}`,
          ]
        : []),
    ],
    goals,
    data: {
      bundleLoad: strip(startup.load),
      startup: strip(startup.check),
      cases: cases.map((c) => ({
        n: c.n,
        generated: c.gen,
        findings: c.counts,
        check: strip(c.check),
        floor: strip(c.floor),
        ajv: strip(c.ajv),
      })),
      ratios,
      growth,
    },
  };
}

const strip = ({ last, ...m }) => m;

export { Inconsistent };

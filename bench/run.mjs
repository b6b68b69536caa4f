// `npm run bench [-- PART...] [--sizes 1000,10000] [--runs N]`: runs the benchmark parts and
// prints one summary table per part, the goals with PASS/MISS, and writes the raw figures to
// .tmp/bench/results-<part>.json. A missed goal does not fail the process (it is a measurement);
// inconsistent results (a command failing, findings not the planted ones) do (exit 1).
//
// A part is bench/<part>.mjs exporting `description` and `run({ sizes, runs, log })`, which
// returns { part, columns, table, extra, goals: [{ goal, value, pass }], notes, data }.
// Register it in PARTS below.
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { rssMethodName } from './lib/measure.mjs';

const PARTS = {
  check: () => import('./check.mjs'),
  sync: () => import('./sync.mjs'),
  audit: () => import('./audit.mjs'),
  // evaluate: () => import('./evaluate.mjs'),
};

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `npm run bench [-- PART...] [--sizes N,N] [--runs N]
parts: ${Object.keys(PARTS).join(', ')} (default: all)
--sizes  sizes to measure, where the part has sizes (check: 1000,10000)
--runs   timed runs per command (default per size: check 5 at 1k, 3 at 10k)`;

function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        sizes: { type: 'string' },
        runs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const unknown = positionals.filter((p) => !(p in PARTS));
  if (unknown.length > 0) {
    console.error(`unknown part(s): ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const opts = { log: (s) => console.log(s) };
  if (values.sizes) opts.sizes = values.sizes.split(',').map(Number);
  if (values.runs) opts.runs = Number(values.runs);
  if (
    opts.sizes?.some((n) => !Number.isInteger(n) || n < 1) ||
    (values.runs && !(opts.runs >= 1))
  ) {
    console.error(`bad --sizes or --runs\n${USAGE}`);
    return 2;
  }

  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 2 ** 30),
    rss: rssMethodName(),
    loadAtStart: loadavg()[0],
  };
  console.log(
    `jit-access bench, ${machine.date.slice(0, 10)}: node ${machine.node}, ${machine.platform}, ${machine.cpus} x ${machine.cpuModel}, ${machine.memGiB} GiB; peak RSS via ${machine.rss}`,
  );

  const selected = positionals.length > 0 ? positionals : Object.keys(PARTS);
  const summaries = [];
  let failed = false;
  mkdirSync(join(REPO, '.tmp', 'bench'), { recursive: true });
  return (async () => {
    for (const name of selected) {
      const mod = await PARTS[name]();
      console.log(`\n== ${name}: ${mod.description}`);
      try {
        const result = await mod.run(opts);
        writeFileSync(
          join(REPO, '.tmp', 'bench', `results-${name}.json`),
          `${JSON.stringify({ machine, ...result }, null, 2)}\n`,
        );
        summaries.push(result);
      } catch (e) {
        failed = true;
        console.error(`\nBENCH FAILED (${name}): ${e.message}`);
        if (!(e instanceof mod.Inconsistent)) console.error(e.stack);
      }
    }
    const load = loadavg()[0];
    for (const s of summaries) printSummary(s);
    console.log(
      `\nload average (1 min): ${machine.loadAtStart.toFixed(2)} at start, ${load.toFixed(2)} at end on ${machine.cpus} CPUs`,
    );
    if (Math.max(machine.loadAtStart, load) > machine.cpus / 2) {
      console.log(
        'warning: the machine was busy; wall times are inflated and noisy (CPU ms is steadier). Re-run when idle for figures to record.',
      );
    }
    if (failed) console.error('\nbench: inconsistent results, see above (exit 1)');
    return failed ? 1 : 0;
  })();
}

function printSummary(s) {
  console.log(`\n== summary: ${s.part}`);
  const widths = s.columns.map((c, i) => Math.max(c.length, ...s.table.map((r) => r[i].length)));
  const left = (i) => i === 1; // the command column reads better left-aligned
  const line = (cells) =>
    cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(s.columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of s.table) console.log(line(r));
  for (const e of s.extra ?? []) console.log(e);
  for (const g of s.goals ?? []) console.log(`${g.pass ? 'PASS' : 'MISS'}  ${g.goal}: ${g.value}`);
  for (const n of s.notes ?? []) console.log(n);
}

process.exitCode = await main();

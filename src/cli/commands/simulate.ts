import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { evaluate } from '../../core/evaluate/evaluate.js';
import type { Snapshot } from '../../core/evaluate/snapshot.js';
import { validateSnapshot } from '../../core/evaluate/validate-snapshot.js';
import { formatInstant } from '../../core/time.js';
import { type CliIO, EXIT, UsageError } from '../io.js';
import { COMMON, clock, parse } from '../options.js';

export const SIMULATE_HELP = `jit simulate SNAPSHOT.json [--json] [--now RFC3339]

Evaluates a saved pull-request snapshot offline with the same code as the action (SPEC §6).
--now replaces the snapshot's clock to ask "what if it were evaluated then".
Exit: 0 approved or not applicable, 1 denied, 2 bad usage, 3 pending.`;

export function simulateCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parse(
    'simulate',
    args,
    { json: COMMON.json, now: COMMON.now, help: COMMON.help },
    true,
  );
  if (values.help) {
    io.out(SIMULATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      'jit simulate: give exactly one snapshot file, e.g. `jit simulate snapshot.json`.',
    );
  const file = resolve(io.cwd, positionals[0]!);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `jit simulate: cannot read ${positionals[0]} as JSON: ${(e as Error).message}`,
    );
  }
  const v = validateSnapshot(data, positionals[0]!);
  if (!v.ok) throw new UsageError(v.errors.join('\n'));
  const snap: Snapshot =
    values.now !== undefined ? { ...v.value, now: formatInstant(clock(io, values.now)) } : v.value;
  const d = evaluate(snap);
  if (values.json) {
    const { summary: _summary, ...rest } = d;
    io.out(
      JSON.stringify(
        { ...rest, grants: d.grants.map(({ grant: _g, previous: _p, ...g }) => g) },
        null,
        2,
      ),
    );
  } else {
    io.out(`verdict: ${d.verdict} (${d.summary})`);
    for (const e of d.errors) io.out(`  error ${e.code}: ${e.message}`);
    for (const g of d.grants) {
      io.out(`${g.path}: ${g.change}, ${g.verdict}`);
      for (const r of g.reasons) io.out(`  ${r.code}: ${r.message}`);
      for (const r of g.requirements) io.out(`  [${r.met ? 'x' : ' '}] ${r.code}: ${r.message}`);
      for (const i of g.ignored_reviews) io.out(`  ignored ${i.user}: ${i.code}`);
    }
  }
  return d.verdict === 'denied' ? EXIT.findings : d.verdict === 'pending' ? EXIT.pending : EXIT.ok;
}

import { requireProvenance } from '../../jobs/sync/provenance.js';
import { planEntries, type RunSyncResult, runSync } from '../../jobs/sync/run.js';
import { type CliIO, EXIT } from '../io.js';
import { COMMON, clock, parse, rootDir } from '../options.js';
import { table } from '../table.js';

export const SYNC_HELP = `jit sync [--dry-run] [--system S] [--require-provenance] [--json] [--now RFC3339] [--root DIR]

Makes every target system (SCIM groups, GitHub teams, PostgreSQL roles, webhooks) equal to the
active grants: adds what an active grant backs, removes what none backs from the mapped groups
(except the target's preserve list; never in a system whose files failed to load).
Connector settings come from the environment variables the policy names (*_env).

  --dry-run   read the targets and print the plan; change nothing
  --system S  only policies/S.yaml
  --require-provenance
              grant only files that arrived through an approved merge (jit audit --verify);
              needs the full git history
  --json      dry run: the plan as a JSON array; otherwise the run as one JSON document

Progress and errors go to stderr. Exit: 0 in sync, 1 any failure, 2 bad usage.`;

const OPTIONS = {
  ...COMMON,
  'dry-run': { type: 'boolean' },
  system: { type: 'string' },
  'require-provenance': { type: 'boolean' },
} as const;

export async function syncCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('sync', args, OPTIONS);
  if (values.help) {
    io.out(SYNC_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const result = await runSync({
    root,
    now,
    dryRun: values['dry-run'] ?? false,
    ...(values.system !== undefined ? { system: values.system } : {}),
    env: io.env,
    log: (line) => io.err(line),
    ...(values['require-provenance'] ? { refuse: await requireProvenance(root) } : {}),
  });
  if (result.exitCode === EXIT.usage) return EXIT.usage;
  if (values.json) io.out(JSON.stringify(jsonOf(result), null, 2));
  else io.out(human(result));
  return result.exitCode;
}

function jsonOf(r: RunSyncResult): unknown {
  // SPEC §8: the dry-run plan is a list of entries.
  if (r.dryRun) return planEntries(r.plan);
  return {
    ok: r.exitCode === EXIT.ok,
    summary: r.summary,
    plan: planEntries(r.plan),
    kept: r.plan.kept,
    problems: r.plan.problems,
    systems: r.reports,
    errors: r.loadErrors.map((e) => ({
      code: e.code,
      message: e.message,
      ...(e.path ? { path: e.path } : {}),
    })),
  };
}

function human(r: RunSyncResult): string {
  const out: string[] = [];
  const entries = r.plan.entries;
  if (entries.length === 0) {
    out.push(r.dryRun ? 'Nothing to change.' : 'Nothing changed.');
  } else {
    out.push(
      table(
        ['system', 'action', 'target group', 'member', 'role', 'reason'],
        entries.map((e) => [e.system, e.action, e.target_group, e.member, e.role, e.reason]),
      ),
    );
  }
  for (const k of r.plan.kept) {
    out.push(`kept     ${k.system}: ${k.member} in ${k.target_group}: ${k.reason}`);
  }
  const s = r.summary;
  const verbs = r.dryRun ? ['would add', 'would remove'] : ['added', 'removed'];
  out.push(
    `${r.exitCode === EXIT.ok ? 'ok' : 'FAILED'}: ${verbs[0]} ${s.added}, ${verbs[1]} ${s.removed}, unchanged ${s.unchanged}, failed ${s.failed}; ${s.systems} system(s), ${s.requests} target request(s)${s.failedSystems.length ? `; failed: ${s.failedSystems.join(', ')} (see the errors above)` : ''}`,
  );
  return out.join('\n');
}

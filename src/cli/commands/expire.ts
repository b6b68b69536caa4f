import { checkTree } from '../../core/check.js';
import { formatInstant } from '../../core/time.js';
import { readTree } from '../../fs/read-tree.js';
import { originalPullRequests } from '../../jobs/expire/origin.js';
import { type LoadError, planExpiry } from '../../jobs/expire/plan.js';
import { type CliIO, EXIT } from '../io.js';
import { COMMON, clock, parse, rootDir } from '../options.js';
import { table } from '../table.js';

export const EXPIRE_HELP = `jit expire [--dry-run] [--json] [--now RFC3339] [--root DIR]

Plans the removal of expired grants (now >= expires_at) from the working tree: what one removal
pull request (branch jit/expire/<UTC timestamp>, label jit:expired) would delete, and the grant
files that do not load, which are left alone and never deleted blindly.

Offline the command only plans (--dry-run is implied): it cannot see open pull requests, so
grants already in an open removal pull request are listed too, and stale access requests are
not considered. The action's \`command: expire\` opens the pull request and closes stale requests.
Exit: 0 planned, 2 bad usage.`;

const OPTIONS = { ...COMMON, 'dry-run': { type: 'boolean' } } as const;

export function expireCommand(args: string[], io: CliIO): number {
  const { values } = parse('expire', args, OPTIONS);
  if (values.help) {
    io.out(EXPIRE_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const tree = readTree(root);
  const check = checkTree(tree, now);
  const loaded = new Set(check.loaded.map((g) => g.path));
  const loadErrors: LoadError[] = [...tree.keys()]
    .filter((p) => p.startsWith('grants/') && !loaded.has(p))
    .map((path) => ({ path, findings: check.errors.filter((f) => f.path === path) }));
  const plan = planExpiry({
    grants: check.loaded,
    loadErrors,
    openRemovalPrs: [],
    openRequestPrs: [],
    now,
    requestTtlMs: 0,
  });
  const origins = originalPullRequests(
    root,
    plan.remove.map((r) => r.path),
  );

  if (values.json) {
    io.out(
      JSON.stringify(
        {
          now: formatInstant(now),
          branch: plan.branch,
          remove: plan.remove.map((r) => ({
            path: r.path,
            subject: r.subject,
            system: r.system,
            role: r.role,
            expires_at: formatInstant(r.expiresAt),
            granted_in: origins.get(r.path) ?? null,
          })),
          skipped: plan.skipped,
          errors: loadErrors.flatMap((e) =>
            e.findings.map((f) => ({ code: f.code, message: f.message, path: e.path })),
          ),
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  io.out(`Expiry plan at ${formatInstant(now)} (offline: open pull requests are not known)`);
  io.out('');
  if (plan.remove.length === 0) io.out('No expired grant to remove.');
  else {
    io.out(
      `One removal pull request (${plan.branch}, label jit:expired) would delete ${plan.remove.length} expired grant(s):`,
    );
    io.out(
      table(
        ['grant', 'subject', 'role', 'expired at', 'granted in'],
        plan.remove.map((r) => [
          r.path,
          r.subject,
          `${r.system}/${r.role}`,
          formatInstant(r.expiresAt),
          origins.has(r.path) ? `#${origins.get(r.path)}` : '-',
        ]),
      ),
    );
  }
  if (plan.skipped.length > 0) {
    io.out('');
    io.out(`Left alone (${plan.skipped.length}):`);
    for (const s of plan.skipped) io.out(`  ${s.path}: ${s.reason}`);
    for (const e of loadErrors)
      for (const f of e.findings) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
  }
  io.out('');
  io.out(
    'Nothing was changed. The scheduled action (command: expire) opens the pull request; run `jit check` for the full report.',
  );
  return EXIT.ok;
}

import {
  describeSpan,
  formatWindow,
  type GrantStatus,
  grantStatus,
  type StatusFilter,
} from '../../core/status.js';
import { formatInstant, formatSpan } from '../../core/time.js';
import { readTree } from '../../fs/read-tree.js';
import { type CliIO, EXIT } from '../io.js';
import { COMMON, clock, parse, rootDir } from '../options.js';
import { table } from '../table.js';

export const STATUS_HELP = `jit status [--system S] [--subject LOGIN] [--json] [--now RFC3339] [--root DIR]

Lists the grant files of the tree: active (starts_at <= now < expires_at, or no starts_at),
upcoming (now < starts_at) and expired but still present (expires_at <= now; \`jit expire\`
opens their removal pull request), with the time left, until start or since expiry.
Grant files that do not load are listed as errors at the end.
Exit: 0 listed, 1 some grant files did not load, 2 bad usage.`;

const OPTIONS = {
  ...COMMON,
  system: { type: 'string' },
  subject: { type: 'string' },
} as const;

const GROUPS = [
  ['active', 'Active', 'left'],
  ['upcoming', 'Upcoming', 'starts in'],
  ['expired', 'Expired but present', 'expired for'],
] as const;

export function statusCommand(args: string[], io: CliIO): number {
  const { values } = parse('status', args, OPTIONS);
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const filter: StatusFilter = {
    ...(values.system !== undefined ? { system: values.system } : {}),
    ...(values.subject !== undefined ? { subject: values.subject } : {}),
  };
  const report = grantStatus(readTree(rootDir(io, values.root)), now, filter);

  if (values.json) {
    const json = (s: GrantStatus) => ({
      path: s.path,
      system: s.system,
      role: s.role,
      subject: s.subject,
      requester: s.requester,
      ticket: s.ticket ?? null,
      starts_at: s.startsAt !== undefined ? formatInstant(s.startsAt) : null,
      expires_at: formatInstant(s.expiresAt),
      span_seconds: Math.floor(s.spanMs / 1000),
      span: describeSpan(s),
    });
    io.out(
      JSON.stringify(
        {
          now: formatInstant(now),
          active: report.active.map(json),
          upcoming: report.upcoming.map(json),
          expired: report.expired.map(json),
          errors: report.errors.map((f) => ({
            code: f.code,
            message: f.message,
            ...(f.path ? { path: f.path } : {}),
          })),
        },
        null,
        2,
      ),
    );
  } else {
    io.out(`Grants at ${formatInstant(now)}`);
    for (const [key, title, spanHeader] of GROUPS) {
      const list = report[key];
      io.out('');
      io.out(`${title} (${list.length})`);
      if (list.length === 0) continue;
      io.out(
        table(
          ['subject', 'system/role', 'window', spanHeader, 'file'],
          list.map((s) => [
            s.subject,
            `${s.system}/${s.role}`,
            formatWindow(s),
            formatSpan(s.spanMs),
            s.path,
          ]),
        ),
      );
    }
    if (report.expired.length > 0) {
      io.out('');
      io.out(
        `note     ${report.expired.length} expired grant(s) are still present; \`jit expire\` opens the pull request that removes them.`,
      );
    }
    for (const f of report.errors) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
    if (report.errors.length > 0) {
      io.out(`${report.errors.length} grant file(s) did not load; run \`jit check\` for details.`);
    }
  }
  return report.errors.length > 0 ? EXIT.findings : EXIT.ok;
}

import { HistoryInputError, type LoadedHistory, loadHistory } from '../../audit/history.js';
import { shallowMessage } from '../../audit/provenance.js';
import {
  type AuditEvent,
  auditEvents,
  type EventFilter,
  filterEvents,
} from '../../core/audit/events.js';
import { shortSha } from '../../core/audit/history.js';
import { type ProvenanceFinding, verifyProvenance } from '../../core/audit/verify.js';
import { parseInstant } from '../../core/time.js';
import { type CliIO, EXIT, UsageError } from '../io.js';
import { COMMON, parse, rootDir } from '../options.js';
import { table } from '../table.js';

export const AUDIT_HELP = `jit audit [--since DATE] [--until DATE] [--subject LOGIN] [--system S]
          [--json | --csv] [--verify] [--ref REF] [--root DIR]

The audit trail, from git history alone (no GitHub API): one event per grant change on the
first-parent history of REF (default HEAD; check out the default branch, with full history),
oldest first: granted, extended, narrowed, revoked or expired, with time, commit, path, subject,
role, requester, approvers (from the Jit-* trailers the gate writes into its merges; "(unknown)"
when the commit has none), ticket and pull request.

  --since DATE, --until DATE  RFC 3339 (2026-12-04T12:00:00Z) or a UTC day (2026-12-04); both
                              inclusive (--until 2026-12-04 includes that whole day)
  --subject LOGIN, --system S only events of that subject / system
  --json                      one document { head, verified, events, findings }
  --csv                       RFC 4180 with a header row (spreadsheet-safe cells)
  --verify                    every grant on REF must have arrived through an approved merge;
                              the others are E_PROVENANCE findings (never filtered), exit 1
Exit: 0 listed (and verified), 1 E_PROVENANCE findings, 2 bad usage or not a git repository.`;

const OPTIONS = {
  ...COMMON,
  since: { type: 'string' },
  until: { type: 'string' },
  subject: { type: 'string' },
  system: { type: 'string' },
  csv: { type: 'boolean' },
  verify: { type: 'boolean' },
  ref: { type: 'string' },
} as const;

export async function auditCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parse('audit', args, OPTIONS);
  if (values.help) {
    io.out(AUDIT_HELP);
    return EXIT.ok;
  }
  if (values.json && values.csv) {
    throw new UsageError('jit audit: --json and --csv exclude each other; choose one.');
  }
  const filter = eventFilter(values);
  const root = rootDir(io, values.root);
  const verify = values.verify === true;
  let history: LoadedHistory;
  try {
    history = await loadHistory(root, values.ref ?? 'HEAD', { withTree: verify });
  } catch (e) {
    if (e instanceof HistoryInputError) throw new UsageError(`jit audit: ${e.message}`);
    throw e;
  }
  if (history.shallow) {
    if (verify) throw new UsageError(`jit audit --verify: ${shallowMessage(root)}`);
    io.err(`warning  ${shallowMessage(root)} Events before the boundary are missing.`);
  }
  const events = filterEvents(auditEvents(history), filter);
  const verified = verify ? verifyProvenance(history, history.tree) : undefined;
  const findings = verified?.findings ?? [];

  if (values.json) {
    io.out(JSON.stringify({ head: history.head, verified: verify, events, findings }, null, 2));
  } else if (values.csv) {
    io.out(`${toCsv(events)}\r`);
    for (const f of findings) io.err(findingLine(f));
  } else {
    printTable(io, history, events);
    if (verified) {
      io.out('');
      for (const f of findings) io.out(findingLine(f));
      const n = verified.provenance.size;
      io.out(
        findings.length === 0
          ? `verify: ok, all ${n} grant(s) on ${shortHead(history)} arrived through approved merges`
          : `verify: ${findings.length} of ${n} grant(s) on ${shortHead(history)} did not arrive through an approved merge (E_PROVENANCE)`,
      );
    }
  }
  return findings.length > 0 ? EXIT.findings : EXIT.ok;
}

function eventFilter(values: {
  since?: string;
  until?: string;
  subject?: string;
  system?: string;
}): EventFilter {
  const f: EventFilter = {};
  if (values.since !== undefined) f.since = parseDate('since', values.since, false);
  if (values.until !== undefined) f.until = parseDate('until', values.until, true);
  if (f.since !== undefined && f.until !== undefined && f.since >= f.until) {
    throw new UsageError(
      `jit audit: --since ${values.since} is not before --until ${values.until}; swap them or widen the range.`,
    );
  }
  if (values.subject !== undefined) f.subject = values.subject;
  if (values.system !== undefined) f.system = values.system;
  return f;
}

const DAY_MS = 86_400_000;

/**
 * A bound in epoch ms. A day `YYYY-MM-DD` is that UTC day: --since from its start, --until to its
 * end. The returned --until is exclusive (the event filter's convention).
 */
export function parseDate(name: 'since' | 'until', text: string, isUntil: boolean): number {
  const day = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text);
  const t = parseInstant(day ? `${text}T00:00:00Z` : text);
  if (!t.ok) {
    throw new UsageError(
      `jit audit: --${name} "${text}" ${day ? t.why.replace('is not', 'is not a day or') : t.why}; use an RFC 3339 time or a day like 2026-12-04.`,
    );
  }
  if (!isUntil) return t.ms;
  return day ? t.ms + DAY_MS : t.ms + 1;
}

const shortHead = (h: LoadedHistory) => (h.head ? shortSha(h.head) : 'an empty repository');

function approversText(a: string[] | null, empty: string): string {
  if (a === null) return '(unknown)';
  return a.length === 0 ? empty : a.join(' ');
}

function printTable(io: CliIO, history: LoadedHistory, events: AuditEvent[]): void {
  io.out(`Audit trail of ${shortHead(history)}: ${events.length} event(s)`);
  if (events.length === 0) return;
  io.out(
    table(
      [
        'time',
        'event',
        'path',
        'subject',
        'role',
        'requester',
        'approvers',
        'ticket',
        'pr',
        'commit',
        'notes',
      ],
      events.map((e) => [
        e.time,
        e.event,
        e.path,
        e.subject ?? '',
        e.role ?? '',
        e.requester ?? '',
        approversText(e.approvers, '-'),
        e.ticket ?? '',
        e.pull_request !== null ? `#${e.pull_request}` : '',
        shortSha(e.commit),
        e.notes.join('; '),
      ]),
    ),
  );
}

function findingLine(f: ProvenanceFinding): string {
  return `error    ${f.code.padEnd(20)} ${f.message}`;
}

export const CSV_COLUMNS = [
  'time',
  'commit',
  'event',
  'path',
  'system',
  'subject',
  'role',
  'requester',
  'approvers',
  'ticket',
  'starts_at',
  'expires_at',
  'pull_request',
  'policy',
  'decision',
  'author',
  'notes',
] as const;

/**
 * RFC 4180: CRLF line ends, a header row, a field quoted when it holds `,`, `"`, CR or LF, with
 * `"` doubled. Cells a spreadsheet would read as a formula (starting with = + - @, tab or CR)
 * get a leading `'`: git history is written by many hands, and an export must not run code.
 * Approvers are space-separated; `(unknown)` when no trailer names them.
 */
export function toCsv(events: AuditEvent[]): string {
  const rows = [CSV_COLUMNS.map(csvCell).join(',')];
  for (const e of events) {
    const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
      time: e.time,
      commit: e.commit,
      event: e.event,
      path: e.path,
      system: e.system,
      subject: e.subject ?? '',
      role: e.role ?? '',
      requester: e.requester ?? '',
      approvers: approversText(e.approvers, ''),
      ticket: e.ticket ?? '',
      starts_at: e.starts_at ?? '',
      expires_at: e.expires_at ?? '',
      pull_request: e.pull_request !== null ? String(e.pull_request) : '',
      policy: e.policy ?? '',
      decision: e.decision ?? '',
      author: e.author,
      notes: e.notes.join('; '),
    };
    rows.push(CSV_COLUMNS.map((c) => csvCell(cells[c])).join(','));
  }
  return rows.join('\r\n');
}

export function csvCell(value: string): string {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

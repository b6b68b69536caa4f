import type { Policy } from '../../core/model.js';
import type { Connector, MembershipOp, OpResult } from '../../targets/connector.js';
import type { BuiltConnector } from './connectors.js';
import {
  type ActualMembers,
  type PlanEntry,
  planSync,
  type SyncPlan,
  type SyncPlanInput,
} from './plan.js';

/** What happened in one system. */
export interface SystemReport {
  system: string;
  type: string;
  /** Errors that stopped the system (configuration, listing) and failed operations, secret-free. */
  errors: string[];
  /** Memberships added / removed by this run (a dry run counts what it would do). */
  added: number;
  removed: number;
  /** Desired memberships already in place (and planned operations the target found already done). */
  unchanged: number;
  /** Operations that failed. */
  failed: number;
  /** Requests sent to the target (HTTP requests or SQL statements, retries included). */
  requests: number;
  /** Time spent talking to the target (listing and applying), in milliseconds. */
  ms: number;
}

export interface SyncSummary {
  added: number;
  removed: number;
  unchanged: number;
  failed: number;
  requests: number;
}

export interface ExecuteInput extends Omit<SyncPlanInput, 'actual'> {
  /** Systems to sync (valid policy with a target), in order. */
  systems: readonly string[];
  /** One connector per system, built for this run (connectors cache per run). */
  connectors: ReadonlyMap<string, BuiltConnector>;
  dryRun: boolean;
  log?: (line: string) => void;
}

export interface ExecuteResult {
  plan: SyncPlan;
  reports: SystemReport[];
  summary: SyncSummary;
  /** Per planned operation, in plan order, when applied. */
  results: OpResult[];
}

/**
 * The applier: per system, one `listMembers` of every mapped group; then the pure plan over
 * everything that was listed; then, unless `dryRun`, each system's operations through its
 * connector (removals first, so revocation happens even if a later addition fails). Systems are
 * isolated: a configuration error, a failed listing or a target answering 503 forever fails
 * that system only; the others are still applied. The connectors retry 429/5xx/timeouts with
 * backoff and time each attempt out.
 */
export async function executeSync(input: ExecuteInput): Promise<ExecuteResult> {
  const log = input.log ?? (() => {});
  const actual: ActualMembers = new Map();
  const reports = new Map<string, SystemReport>();
  const live = new Map<string, Connector>();
  const baseline = new Map<string, number>();

  for (const system of input.systems) {
    const built = input.connectors.get(system);
    const policy = input.policies.get(system);
    const type = policy?.ok && policy.value.target ? policy.value.target.type : 'unknown';
    const report = emptyReport(system, type);
    reports.set(system, report);
    if (!built?.ok) {
      report.errors.push(built?.error ?? `${system}: no connector`);
      log(`${system}: ${report.errors[0]}`);
      continue;
    }
    const connector = built.connector;
    const groups = mappedGroups((policy as { value: Policy }).value);
    const before = counter(connector);
    const started = performance.now();
    try {
      actual.set(system, await connector.listMembers(groups));
      live.set(system, connector);
    } catch (err) {
      report.errors.push(`${system}: ${(err as Error).message}; nothing changed in ${system}.`);
      log(report.errors.at(-1)!);
    }
    report.ms += performance.now() - started;
    // A connector without a counter (PostgreSQL) lists with one statement.
    report.requests += before === undefined ? 1 : counter(connector)! - before;
    baseline.set(system, counter(connector) ?? 0);
  }

  const plan = planSync({ ...input, actual });
  for (const system of plan.systems) {
    reports.get(system)!.unchanged += plan.unchanged[system] ?? 0;
  }
  const results: OpResult[] = [];
  for (const system of plan.systems) {
    const report = reports.get(system)!;
    const entries = plan.entries.filter((e) => e.system === system);
    if (input.dryRun) {
      for (const e of entries) report[e.action === 'add' ? 'added' : 'removed']++;
      continue;
    }
    if (entries.length === 0) continue;
    const connector = live.get(system)!;
    const started = performance.now();
    const applied = await applySystem(connector, entries);
    report.ms += performance.now() - started;
    const cost = counter(connector);
    report.requests +=
      cost === undefined
        ? applied.reduce((n, r) => n + r.requests, 0)
        : cost - baseline.get(system)!;
    for (const r of applied) {
      results.push(r);
      if (!r.ok) {
        report.failed++;
        report.errors.push(r.error ?? 'operation failed');
      } else if (r.changed === false) report.unchanged++;
      else report[r.op.action === 'add' ? 'added' : 'removed']++;
    }
  }
  for (const system of plan.systems) log(line(reports.get(system)!, input.dryRun));
  const all = [...reports.values()];
  const sum = (k: keyof SyncSummary) => all.reduce((n, r) => n + r[k], 0);
  for (const r of all) r.ms = Math.round(r.ms);
  return {
    plan,
    reports: all,
    results,
    summary: {
      added: sum('added'),
      removed: sum('removed'),
      unchanged: sum('unchanged'),
      failed: sum('failed'),
      requests: sum('requests'),
    },
  };
}

async function applySystem(connector: Connector, entries: PlanEntry[]): Promise<OpResult[]> {
  const ops: MembershipOp[] = entries.map((e) => ({
    action: e.action,
    group: e.target_group,
    member: e.member,
    reason: e.reason,
  }));
  try {
    return await connector.apply(ops);
  } catch (err) {
    // The port says apply never throws for an operation; a throw is a bug or an I/O failure.
    const error = `${connector.type}: ${(err as Error).message}`;
    return ops.map((op) => ({ op, ok: false, error, requests: 0 }));
  }
}

/** The target groups of a policy's mapping, in role order. */
export function mappedGroups(policy: Policy): string[] {
  const mapping = policy.target?.mapping ?? {};
  return Object.keys(mapping)
    .sort()
    .map((role) => mapping[role]!);
}

/** The connector's own request counter (HTTP connectors), if it has one. */
function counter(c: Connector): number | undefined {
  const n = (c as { requests?: unknown }).requests;
  return typeof n === 'number' ? n : undefined;
}

function emptyReport(system: string, type: string): SystemReport {
  return {
    system,
    type,
    errors: [],
    added: 0,
    removed: 0,
    unchanged: 0,
    failed: 0,
    requests: 0,
    ms: 0,
  };
}

function line(r: SystemReport, dryRun: boolean): string {
  const verb = dryRun ? 'would add' : 'added';
  const rem = dryRun ? 'would remove' : 'removed';
  return `${r.system} (${r.type}): ${verb} ${r.added}, ${rem} ${r.removed}, unchanged ${r.unchanged}, failed ${r.failed}, ${r.requests} request(s) in ${Math.round(r.ms)} ms`;
}

import type { Tree } from '../../core/tree.js';
import { readTree } from '../../fs/read-tree.js';
import { executeSync, type SyncSummary, type SystemReport } from './apply.js';
import { type BuiltConnector, buildConnector, type ConnectorTuning } from './connectors.js';
import { type LoadError, loadSyncInputs } from './load.js';
import type { PlanEntry, RefuseGrant, SyncPlan } from './plan.js';

export interface RunSyncOptions {
  /** Repository root to read `policies/` and `grants/` from (ignored when `tree` is given). */
  root?: string;
  /** An already-read tree (tests, the action when it reads the default branch itself). */
  tree?: Tree;
  /** The clock, read once by the caller (epoch milliseconds). */
  now: number;
  /** Plan only: read the targets, change nothing. */
  dryRun?: boolean;
  /** Only this system. */
  system?: string;
  /** Where connector settings come from (`*_env` names). Values are never printed. */
  env: Readonly<Record<string, string | undefined>>;
  /** Progress and error lines, secret-free (the CLI sends them to stderr, the action to its log). */
  log?: (line: string) => void;
  /**
   * Provenance hook: excludes an active grant from desired state with a reason (reported, exit 1;
   * its membership is then removed like any unbacked one). Unused by default.
   */
  refuse?: RefuseGrant;
  tuning?: ConnectorTuning;
}

export interface RunSyncSummary extends SyncSummary {
  /** Systems with a target that were selected. */
  systems: number;
  /** Selected systems with a load, configuration, listing or operation failure. */
  failedSystems: string[];
}

export interface RunSyncResult {
  /** 0 everything in sync, 1 any failure (load, configuration, listing, operation, plan problem), 2 bad usage. */
  exitCode: 0 | 1 | 2;
  dryRun: boolean;
  plan: SyncPlan;
  summary: RunSyncSummary;
  reports: SystemReport[];
  /** Load errors of the selected systems (and of files that belong to no system). */
  loadErrors: LoadError[];
}

/**
 * `jit sync` and the action's `command: sync` (SPEC §8): reads the tree, builds one connector
 * per system from the environment, lists, plans and (unless dry-run) applies. Never throws for
 * a user or target problem: the result says what happened and the exit code sums it up.
 */
export async function runSync(options: RunSyncOptions): Promise<RunSyncResult> {
  const log = options.log ?? (() => {});
  const dryRun = options.dryRun ?? false;
  const tree = options.tree ?? readTree(options.root ?? '.');
  const inputs = loadSyncInputs(tree);
  const usage = (message: string): RunSyncResult => {
    log(message);
    return {
      exitCode: 2,
      dryRun,
      plan: { entries: [], kept: [], problems: [], unchanged: {}, systems: [] },
      summary: { ...zero(), systems: 0, failedSystems: [] },
      reports: [],
      loadErrors: [],
    };
  };
  if (inputs.policies.size === 0) {
    return usage(
      'sync: the tree has no policies/*.yaml; run from the repository root or pass --root.',
    );
  }
  const only = options.system;
  if (only !== undefined) {
    const p = inputs.policies.get(only);
    if (!p) {
      const known = [...inputs.policies.keys()].sort().join(', ');
      return usage(
        `sync: --system ${only}: there is no policies/${only}.yaml (systems: ${known}).`,
      );
    }
    if (p.ok && !p.value.target) {
      return usage(
        `sync: --system ${only}: policies/${only}.yaml has no target block; nothing to sync.`,
      );
    }
  }

  const selected = (s: string | undefined) => only === undefined || s === only || s === undefined;
  const loadErrors = inputs.errors.filter((e) => selected(e.system));
  for (const e of loadErrors) log(`error ${e.code}: ${e.message}`);
  for (const s of [...inputs.failedSystems].filter(selected).sort()) {
    log(`${s}: a policy or grant file failed to load; ${s} gets no removals in this run.`);
  }

  const systems = [...inputs.policies]
    .filter(([s, r]) => r.ok && r.value.target && selected(s))
    .map(([s]) => s)
    .sort();
  const connectors = new Map<string, BuiltConnector>();
  for (const s of systems) {
    const r = inputs.policies.get(s)!;
    if (r.ok) connectors.set(s, buildConnector(r.value, options.env, options.tuning));
  }
  const done = await executeSync({
    policies: inputs.policies,
    grants: inputs.grants,
    failedSystems: inputs.failedSystems,
    now: options.now,
    ...(options.refuse ? { refuse: options.refuse } : {}),
    systems,
    connectors,
    dryRun,
    log,
  });
  for (const p of done.plan.problems) log(`${p.system}: ${p.message}`);

  const failedSystems = new Set<string>();
  for (const r of done.reports) if (r.errors.length > 0) failedSystems.add(r.system);
  for (const p of done.plan.problems) failedSystems.add(p.system);
  for (const s of inputs.failedSystems) if (selected(s)) failedSystems.add(s);
  const failed = failedSystems.size > 0 || loadErrors.length > 0;
  const summary: RunSyncSummary = {
    ...done.summary,
    systems: systems.length,
    failedSystems: [...failedSystems].sort(),
  };
  log(
    `sync${dryRun ? ' (dry run)' : ''}: ${dryRun ? 'would add' : 'added'} ${summary.added}, ${dryRun ? 'would remove' : 'removed'} ${summary.removed}, unchanged ${summary.unchanged}, failed ${summary.failed}, ${summary.requests} target request(s); ${summary.failedSystems.length === 0 ? 'all systems ok' : `failed: ${summary.failedSystems.join(', ')}`}`,
  );
  return {
    exitCode: failed ? 1 : 0,
    dryRun,
    plan: done.plan,
    summary,
    reports: done.reports,
    loadErrors,
  };
}

/** The plan as SPEC §8 prints it: `[ { system, role, subject, target_group, member, action, reason } ]`. */
export function planEntries(plan: SyncPlan): PlanEntry[] {
  return plan.entries.map(({ system, role, subject, target_group, member, action, reason }) => ({
    system,
    role,
    subject,
    target_group,
    member,
    action,
    reason,
  }));
}

function zero(): SyncSummary {
  return { added: 0, removed: 0, unchanged: 0, failed: 0, requests: 0 };
}

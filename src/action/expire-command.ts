import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTree } from '../core/check.js';
import { formatInstant } from '../core/time.js';
import type { Tree } from '../core/tree.js';
import { BudgetExceeded } from '../github/budget.js';
import type { ExpiryPort } from '../github/port.js';
import {
  applyRemoval,
  type CloseResult,
  closeStale,
  type RemovalResult,
} from '../jobs/expire/apply.js';
import { Budget, REMOVAL_REQUESTS } from '../jobs/expire/budget.js';
import { removalDecision } from '../jobs/expire/gate.js';
import { gatherOpenPrs, inspectRequests, tipGrantBlobs } from '../jobs/expire/gather.js';
import { originalPullRequests } from '../jobs/expire/origin.js';
import { EXPIRED_LABEL, type ExpiryPlan, type LoadError, planExpiry } from '../jobs/expire/plan.js';
import { summaryMarkdown } from '../jobs/expire/render.js';
import { type Checkout, defaultBranchOf, readCheckout } from './checkout.js';
import type { ActionInputs } from './inputs.js';
import { gitBlobSha } from './merge.js';
import type { Runner } from './runner.js';

/**
 * `command: expire` (SPEC §8): read the default-branch checkout, gather open pull requests,
 * plan (pure), then carry the plan out: one removal pull request for every expired grant not
 * already in an open one, and stale access requests closed with a comment. Dry-run makes the
 * same reads and no writes. The budget stops the run cleanly, saying which input to raise.
 */
export async function runExpire(
  inputs: ActionInputs,
  port: ExpiryPort,
  runner: Runner,
): Promise<void> {
  const now = runner.now();
  const budget = new Budget(port, inputs.apiBudget);
  const checkout = readCheckout(inputs.basePath, runner.workspace);
  const check = checkTree(checkout.tree, now);
  const loadErrors = grantLoadErrors(checkout.tree, check);
  for (const e of loadErrors)
    for (const f of e.findings)
      runner.error(`${f.code}: ${f.message} (left alone)`, { file: e.path });

  const state: RunState = { notes: [], closed: { closed: [], notes: [] } };
  try {
    await expire(inputs, port, runner, { now, budget, checkout, check, loadErrors }, state);
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e;
    state.notes.push(
      `stopped at the api-budget of ${e.budget} requests before finishing; raise the api-budget input.`,
    );
  } finally {
    await report(inputs, port, runner, { now, budget, checkout }, state);
  }
  const done = ['none', 'created', 'reused', 'unchanged', 'superseded'];
  const removed = state.removal !== undefined && done.includes(state.removal.outcome);
  const unfinished = !inputs.dryRun && state.plan !== undefined && state.plan.remove.length > 0;
  if (state.plan === undefined || (unfinished && !removed)) {
    // Access that should end is not on its way out: that fails the step.
    const why = notes(state).join(' ') || 'the run stopped early';
    runner.fail(
      state.plan === undefined
        ? `the expire run stopped before planning: ${why}`
        : `expired grants were not removed: ${why}`,
    );
  } else if (loadErrors.length > 0) {
    runner.fail(
      `${loadErrors.length} grant file(s) on the default branch do not load and were left alone; fix them (\`jit check\`).`,
    );
  }
}

const notes = (s: RunState) => [...s.notes, ...(s.removal?.notes ?? []), ...s.closed.notes];

interface RunState {
  plan?: ExpiryPlan;
  removal?: RemovalResult;
  closed: CloseResult;
  notes: string[];
  tip?: string;
  uninspected?: number[];
}

async function expire(
  inputs: ActionInputs,
  port: ExpiryPort,
  runner: Runner,
  ctx: {
    now: number;
    budget: Budget;
    checkout: Checkout;
    check: ReturnType<typeof checkTree>;
    loadErrors: LoadError[];
  },
  state: RunState,
): Promise<void> {
  const { now, budget, checkout, check, loadErrors } = ctx;
  const defaultBranch = await defaultBranchOf(runner, port);
  const tip = await port.getBranchSha(defaultBranch);
  state.tip = tip;
  // A checkout behind the tip (a queued run, a merge meanwhile): compare blobs with the tip.
  let blobs: { checkout: Map<string, string>; tip: Map<string, string> } | undefined;
  let baseTree = checkout.treeSha;
  if (tip !== checkout.sha) {
    const t = await tipGrantBlobs(port, tip);
    baseTree = t.rootTree;
    blobs = { checkout: checkoutBlobs(checkout.tree), tip: t.blobs };
    if (t.truncated)
      state.notes.push('the tree listing of grants/ was truncated; unlisted grants are skipped.');
    runner.info(
      `checkout ${checkout.sha.slice(0, 12)} is behind ${defaultBranch} ${tip.slice(0, 12)}: grants are verified against the tip`,
    );
  }

  const open = await gatherOpenPrs(port, defaultBranch);
  const base = {
    grants: check.loaded,
    loadErrors,
    openRemovalPrs: open.removal,
    now,
    requestTtlMs: inputs.requestTtlMs,
    ...(blobs ? { blobs } : {}),
  };
  // Plan the removal first: the budget it needs is kept while inspecting access requests.
  const removalOnly = planExpiry({ ...base, openRequestPrs: [] });
  state.plan = removalOnly;
  const reserve = removalOnly.remove.length > 0 && !inputs.dryRun ? REMOVAL_REQUESTS : 0;
  const inspected = await inspectRequests(
    port,
    open.candidates,
    inputs.statusContext,
    budget,
    reserve,
  );
  state.uninspected = inspected.uninspected;
  if (inspected.uninspected.length > 0) {
    state.notes.push(
      `${inspected.uninspected.length} open pull request(s) were not inspected for staleness (${inspected.uninspected.map((n) => `#${n}`).join(', ')}): the api-budget of ${budget.limit} is kept for the removal; raise the api-budget input.`,
    );
  }
  const plan = planExpiry({ ...base, openRequestPrs: inspected.requests });
  state.plan = plan;

  if (!inputs.dryRun) {
    for (const r of open.removal.filter((x) => !x.labelled))
      await port.addLabels(r.number, [EXPIRED_LABEL]);
  }
  const runUrl = runner.runId
    ? `${runner.serverUrl}/${runner.repository}/actions/runs/${runner.runId}`
    : undefined;
  state.removal = await applyRemoval({
    port,
    plan,
    defaultBranch,
    tipSha: tip,
    baseTree,
    modes: new Map([...checkout.tree.values()].map((f) => [f.path, f.mode])),
    origins: originalPullRequests(
      checkout.dir,
      plan.remove.map((r) => r.path),
    ),
    knownRemovalPrs: new Set(open.removal.map((r) => r.number)),
    ...(runUrl ? { runUrl } : {}),
    dryRun: inputs.dryRun,
    budget,
    ...(inputs.autoMerge
      ? {
          autoMerge: {
            method: inputs.merge === 'merge' ? ('merge' as const) : ('squash' as const),
            statusContext: inputs.statusContext,
            decide: (pr, headSha) =>
              removalDecision({
                owner: port.owner,
                repo: port.repo,
                defaultBranch,
                base: { sha: checkout.sha, tree: checkout.tree },
                number: pr.number,
                author: pr.author,
                headSha,
                paths: plan.remove.map((r) => r.path),
                now,
              }).decision,
          },
        }
      : {}),
    info: runner.info,
    warning: runner.warning,
  });
  state.closed = await closeStale(port, plan.close, {
    dryRun: inputs.dryRun,
    budget,
    info: runner.info,
  });
}

/** Plan JSON, outputs, log lines and the job summary: written whatever happened. */
async function report(
  inputs: ActionInputs,
  port: ExpiryPort,
  runner: Runner,
  ctx: { now: number; budget: Budget; checkout: Checkout },
  state: RunState,
): Promise<void> {
  const plan = state.plan;
  const all = notes(state);
  const doc = {
    now: formatInstant(ctx.now),
    dry_run: inputs.dryRun,
    checkout: ctx.checkout.sha,
    default_branch_tip: state.tip ?? null,
    branch: plan?.branch ?? null,
    remove: (plan?.remove ?? []).map((r) => ({
      path: r.path,
      subject: r.subject,
      system: r.system,
      role: r.role,
      expires_at: formatInstant(r.expiresAt),
    })),
    skipped: plan?.skipped ?? [],
    close: plan?.close ?? [],
    removal: state.removal ?? null,
    closed: state.closed.closed,
    uninspected: state.uninspected ?? [],
    notes: all,
    api_requests: port.requests,
    api_budget: inputs.apiBudget,
  };
  mkdirSync(runner.tempDir, { recursive: true });
  const planPath = join(runner.tempDir, 'jit-expire-plan.json');
  writeFileSync(planPath, `${JSON.stringify(doc, null, 2)}\n`);
  runner.setOutput('plan-path', planPath);
  for (const n of all) runner.warning(n);
  for (const s of plan?.skipped ?? []) runner.info(`left alone: ${s.path}: ${s.reason}`);
  runner.info(
    `expire${inputs.dryRun ? ' (dry run)' : ''}: ${plan?.remove.length ?? 0} to remove (${state.removal?.outcome ?? 'not reached'}${state.removal?.number ? ` #${state.removal.number}` : ''}), ${plan?.skipped.length ?? 0} left alone, ${plan?.close.length ?? 0} stale request(s), ${port.requests} API requests`,
  );
  await runner.summary(
    summaryMarkdown({
      dryRun: inputs.dryRun,
      remove: plan?.remove ?? [],
      skipped: plan?.skipped ?? [],
      close: plan?.close ?? [],
      ...(state.removal
        ? {
            removal: {
              outcome: state.removal.outcome,
              ...(state.removal.number ? { number: state.removal.number } : {}),
              ...(state.removal.merged ? { merged: true } : {}),
            },
          }
        : {}),
      closed: state.closed.closed,
      notes: all,
      requests: port.requests,
      budget: ctx.budget.limit,
    }),
  );
}

/** The default-branch checkout (trusted) with its commit and tree. Never a pull request. */
/** Grant files (anything under grants/) that did not load, with their findings. */
function grantLoadErrors(tree: Tree, check: ReturnType<typeof checkTree>): LoadError[] {
  const loaded = new Set(check.loaded.map((g) => g.path));
  const out: LoadError[] = [];
  for (const path of tree.keys()) {
    if (!path.startsWith('grants/') || loaded.has(path)) continue;
    out.push({ path, findings: check.errors.filter((f) => f.path === path) });
  }
  return out;
}

function checkoutBlobs(tree: Tree): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of tree.values())
    if (f.path.startsWith('grants/')) out.set(f.path, gitBlobSha(f.bytes));
  return out;
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitHubPort } from '../github/port.js';
import { requireProvenance } from '../jobs/sync/provenance.js';
import { runSync } from '../jobs/sync/run.js';
import { assertDefaultBranch, defaultBranchOf, readCheckout } from './checkout.js';
import type { ActionInputs } from './inputs.js';
import type { Runner } from './runner.js';

/**
 * `command: sync` (SPEC §8): make the target systems equal to the active grants of the default
 * branch. Connector secrets come from the step's environment (the `*_env` names of each policy
 * target); none is ever printed. A failed system fails the step; the others are still applied.
 */
export async function runSyncCommand(
  inputs: ActionInputs,
  port: GitHubPort,
  runner: Runner,
): Promise<void> {
  const defaultBranch = await defaultBranchOf(runner, port);
  const checkout = readCheckout(inputs.basePath, runner.workspace);
  assertDefaultBranch(
    checkout,
    inputs.basePath,
    defaultBranch,
    await port.getBranchSha(defaultBranch),
  );
  const result = await runSync({
    tree: checkout.tree,
    now: runner.now(),
    dryRun: inputs.dryRun,
    ...(inputs.system ? { system: inputs.system } : {}),
    env: runner.env,
    log: (line) => runner.info(line),
    ...(inputs.requireProvenance ? { refuse: await requireProvenance(checkout.dir) } : {}),
  });
  mkdirSync(runner.tempDir, { recursive: true });
  const planPath = join(runner.tempDir, 'jit-sync-plan.json');
  writeFileSync(planPath, `${JSON.stringify(result.plan.entries, null, 2)}\n`);
  runner.setOutput('plan-path', planPath);
  const s = result.summary;
  const line = `${result.dryRun ? 'dry run: ' : ''}${s.systems} system(s): ${s.added} added, ${s.removed} removed, ${s.unchanged} unchanged, ${s.failed} failed${s.failedSystems.length ? ` (failed: ${s.failedSystems.join(', ')})` : ''}`;
  const rows = result.plan.entries.map(
    (e) =>
      `| ${e.system} | ${e.role} | ${e.action} | ${e.target_group.replace(/\|/g, '\\|')} | ${e.reason.replace(/\|/g, '\\|')} |`,
  );
  await runner.summary(
    [
      `### jit-access sync`,
      '',
      line,
      '',
      ...(rows.length
        ? ['| system | role | action | group | reason |', '|---|---|---|---|---|', ...rows]
        : ['Nothing to change.']),
    ].join('\n'),
  );
  for (const e of result.loadErrors)
    runner.error(`${e.path}: load failed, no removals for its system`, { file: e.path });
  runner.info(line);
  if (result.exitCode !== 0) runner.fail(`sync: ${line}`);
}

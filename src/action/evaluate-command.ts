import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Decision } from '../core/evaluate/decision.js';
import { evaluate } from '../core/evaluate/evaluate.js';
import { gatherSnapshot } from '../github/gather.js';
import type { GitHubPort } from '../github/port.js';
import { assertDefaultBranch, defaultBranchOf, readCheckout } from './checkout.js';
import { pullRequestOf } from './event.js';
import type { ActionInputs } from './inputs.js';
import { mergeMessage } from './merge.js';
import { publish } from './publish.js';
import type { Runner } from './runner.js';

/**
 * `command: evaluate`: gather → evaluate (pure) → publish → merge. The snapshot and the decision
 * are written next to each other so `jit simulate` can replay the exact decision.
 */
export async function runEvaluate(
  inputs: ActionInputs,
  port: GitHubPort,
  runner: Runner,
): Promise<void> {
  const now = runner.now();
  const target = await pullRequestOf(runner.eventName, runner.event, inputs.pullRequest, port);
  if ('skip' in target) {
    runner.info(`nothing to evaluate: ${target.skip}`);
    runner.setOutput('verdict', 'not_applicable');
    return;
  }
  const defaultBranch = await defaultBranchOf(runner, port);
  const base = readCheckout(inputs.basePath, runner.workspace);
  assertDefaultBranch(base, inputs.basePath, defaultBranch, await port.getBranchSha(defaultBranch));

  const { snapshot, pr } = await gatherSnapshot({
    port,
    number: target.number,
    base,
    defaultBranch,
    now,
  });
  if (pr.state !== 'open') {
    runner.info(
      `pull request #${pr.number} is ${pr.merged ? 'merged' : 'closed'}; nothing to evaluate`,
    );
    runner.setOutput('verdict', 'not_applicable');
    return;
  }
  const decision = evaluate(snapshot);

  const snapshotJson = `${JSON.stringify(snapshot, null, 2)}\n`;
  const snapshotSha = createHash('sha256').update(snapshotJson).digest('hex');
  mkdirSync(runner.tempDir, { recursive: true });
  const snapshotPath = join(runner.tempDir, `jit-snapshot-${pr.number}.json`);
  const decisionPath = join(runner.tempDir, `jit-decision-${pr.number}.json`);
  writeFileSync(snapshotPath, snapshotJson);
  writeFileSync(decisionPath, `${JSON.stringify(decision, null, 2)}\n`);

  await publish(decision, snapshot, inputs, port, runner);

  let verdict: Decision['verdict'] | 'merged' = decision.verdict;
  if (inputs.merge !== 'off' && decision.verdict === 'approved') {
    const { title, message } = mergeMessage(decision, snapshot, snapshotSha);
    // Pinned to the evaluated head: a push after evaluation makes GitHub refuse the merge.
    const r = await port.merge(pr.number, pr.headSha, inputs.merge, title, message);
    if (r.merged) {
      runner.info(`merged #${pr.number} as ${r.sha} with audit trailers`);
      verdict = 'merged';
    } else {
      runner.warning(`not merged: ${r.message}`);
    }
  }
  runner.setOutput('verdict', decision.verdict);
  runner.setOutput('merged', String(verdict === 'merged'));
  runner.setOutput('decision-path', decisionPath);
  runner.setOutput('snapshot-path', snapshotPath);
  runner.info(`verdict ${decision.verdict}: ${decision.summary} (${port.requests} API requests)`);
  if (decision.verdict === 'denied') runner.fail(`access request denied: ${decision.summary}`);
}

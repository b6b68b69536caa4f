import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { BudgetExceeded } from '../github/budget.js';
import { RestExpiryGitHub } from '../github/rest-expiry.js';
import { runEvaluate } from './evaluate-command.js';
import { runExpire } from './expire-command.js';
import { envInputs, readInputs } from './inputs.js';
import type { Runner } from './runner.js';
import { runSyncCommand } from './sync-command.js';

/**
 * The action's entry: read and validate inputs, build the GitHub port, run the command, and the
 * one catch that turns an unexpected failure into a failed step with a one-line reason.
 */
export async function run(env: Record<string, string | undefined> = process.env): Promise<void> {
  const parsed = readInputs(envInputs(env));
  if (!parsed.ok) {
    for (const e of parsed.errors) core.error(e);
    core.setFailed(`invalid inputs: ${parsed.errors.join('; ')}`);
    return;
  }
  const inputs = parsed.value;
  core.setSecret(inputs.token);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) {
    core.setFailed('GITHUB_REPOSITORY is not set (owner/repo); run this inside GitHub Actions');
    return;
  }
  const port = new RestExpiryGitHub({
    token: inputs.token,
    owner,
    repo,
    budget: inputs.apiBudget,
    ...(env.GITHUB_API_URL ? { baseUrl: env.GITHUB_API_URL } : {}),
  });
  const runner = actionsRunner(env);
  try {
    if (inputs.command === 'evaluate') await runEvaluate(inputs, port, runner);
    else if (inputs.command === 'expire') await runExpire(inputs, port, runner);
    else await runSyncCommand(inputs, port, runner);
  } catch (e) {
    if (e instanceof BudgetExceeded) core.setFailed(e.message);
    else core.setFailed(`jit-access ${inputs.command}: ${(e as Error).message}`);
    if (env.JIT_DEBUG) core.debug(String((e as Error).stack));
  } finally {
    core.setOutput('api-requests', String(port.requests));
  }
}

function actionsRunner(env: Record<string, string | undefined>): Runner {
  let event: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch (e) {
      throw new Error(
        `reading the event payload ${env.GITHUB_EVENT_PATH}: ${(e as Error).message}`,
      );
    }
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    tempDir: env.RUNNER_TEMP ?? tmpdir(),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    repository: env.GITHUB_REPOSITORY ?? '',
    ...(env.GITHUB_RUN_ID ? { runId: env.GITHUB_RUN_ID } : {}),
    env,
    now: () => Date.now(),
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    error: (m, where) =>
      core.error(
        m,
        where?.file ? { file: where.file, ...(where.line ? { startLine: where.line } : {}) } : {},
      ),
    setOutput: (n, v) => core.setOutput(n, v),
    summary: async (md) => {
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(md, true).write();
    },
    fail: (m) => core.setFailed(m),
  };
}

await run();

import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type {
  PullRequestEvent,
  PullRequestReviewDismissedEvent,
  PullRequestReviewSubmittedEvent,
  WorkflowRunCompletedEvent,
} from '@octokit/webhooks-types';
import { renderPullFull } from './routes/pulls.js';
import type { FakeGitHub } from './server.js';

// biome-ignore lint/suspicious/noExplicitAny: example payloads are loose JSON we overwrite
type Json = any;

interface ExampleSet {
  name: string;
  examples: Json[];
}

let examples: ExampleSet[] | undefined;

/** A deep copy of a real payload from `@octokit/webhooks-examples` for this event and action. */
function example(name: string, action: string): Json {
  examples ??= createRequire(import.meta.url)('@octokit/webhooks-examples') as ExampleSet[];
  const set = examples.find((e) => e.name === name);
  const found = set?.examples.find((e) => e.action === action) ?? set?.examples[0];
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${name} example`);
  return structuredClone(found);
}

function common(fake: FakeGitHub, sender: string, base: Json) {
  return {
    repository: { ...base.repository, ...fake.render.repository() },
    organization: { ...base.organization, ...fake.render.orgSimple() },
    sender: fake.render.user(sender),
    installation: { id: 4242, node_id: Buffer.from('Installation:4242').toString('base64') },
  };
}

async function pullPayload(fake: FakeGitHub, number: number, base: Json) {
  await fake.state.syncPullHeads();
  const pull = fake.state.pull(number);
  return {
    pull,
    payload: { ...base, ...(await renderPullFull({ git: fake.repo, render: fake.render }, pull)) },
  };
}

export type PullRequestAction = 'opened' | 'synchronize' | 'edited' | 'reopened' | 'closed';

/**
 * A `pull_request` payload for a PR of the fake, shaped like GitHub's (the example payload with
 * every field the fake knows overwritten from state). `sender` defaults to the PR author.
 */
export async function pullRequestEvent(
  fake: FakeGitHub,
  options: {
    action: PullRequestAction;
    number: number;
    sender?: string;
    /** synchronize: the previous head (default: the head commit's first parent). */
    before?: string;
    /** edited: what changed. */
    changes?: { title?: { from: string }; body?: { from: string } };
  },
): Promise<PullRequestEvent> {
  const source = example('pull_request', options.action === 'edited' ? 'opened' : options.action);
  const { pull, payload } = await pullPayload(fake, options.number, source.pull_request);
  const event: Json = {
    ...source,
    action: options.action,
    number: pull.number,
    pull_request: payload,
    ...common(fake, options.sender ?? pull.author, source),
  };
  if (options.action === 'synchronize') {
    event.before =
      options.before ?? (await fake.repo.readCommit(pull.headSha)).parents[0] ?? pull.headSha;
    event.after = pull.headSha;
  }
  if (options.action === 'edited') event.changes = options.changes ?? {};
  return event as PullRequestEvent;
}

/** A `pull_request_review` payload (submitted or dismissed) for a review in the fake. */
export async function pullRequestReviewEvent(
  fake: FakeGitHub,
  options: { action: 'submitted' | 'dismissed'; number: number; reviewId: number; sender?: string },
): Promise<PullRequestReviewSubmittedEvent | PullRequestReviewDismissedEvent> {
  const source = example('pull_request_review', options.action);
  const { payload } = await pullPayload(fake, options.number, source.pull_request);
  const review = fake.state.reviewsOf(options.number).find((r) => r.id === options.reviewId);
  if (!review) throw new Error(`no review ${options.reviewId} on #${options.number}`);
  const rendered = fake.render.review(review);
  return {
    ...source,
    action: options.action,
    // Webhooks spell review states in lower case.
    review: { ...source.review, ...rendered, state: review.state.toLowerCase() },
    pull_request: payload,
    ...common(fake, options.sender ?? review.user, source),
  } as PullRequestReviewSubmittedEvent | PullRequestReviewDismissedEvent;
}

/**
 * A `workflow_run` (completed) payload of a workflow triggered by `event` on a PR of the fake —
 * how review events reach a trusted workflow on the default branch.
 */
export async function workflowRunEvent(
  fake: FakeGitHub,
  options: {
    number: number;
    event?: string;
    workflowName?: string;
    conclusion?: 'success' | 'failure' | 'cancelled';
    sender?: string;
  },
): Promise<WorkflowRunCompletedEvent> {
  const source = example('workflow_run', 'completed');
  await fake.state.syncPullHeads();
  const pull = fake.state.pull(options.number);
  const repo = fake.render.repository();
  const minimal = { id: repo.id, url: repo.url, name: repo.name };
  const headCommit = await fake.repo.readCommit(pull.headSha);
  const run = source.workflow_run;
  return {
    ...source,
    action: 'completed',
    workflow: { ...source.workflow, name: options.workflowName ?? run.name },
    workflow_run: {
      ...run,
      name: options.workflowName ?? run.name,
      event: options.event ?? 'pull_request_review',
      status: 'completed',
      conclusion: options.conclusion ?? 'success',
      head_branch: pull.headRef,
      head_sha: pull.headSha,
      head_commit: {
        ...run.head_commit,
        id: headCommit.sha,
        tree_id: headCommit.tree,
        message: headCommit.message,
        timestamp: headCommit.committer.date,
        author: { name: headCommit.author.name, email: headCommit.author.email },
        committer: { name: headCommit.committer.name, email: headCommit.committer.email },
      },
      pull_requests: [
        {
          id: pull.id,
          number: pull.number,
          url: `${fake.render.repoApi}/pulls/${pull.number}`,
          head: { ref: pull.headRef, sha: pull.headSha, repo: minimal },
          base: {
            ref: pull.baseRef,
            sha: (await fake.repo.refTarget(`refs/heads/${pull.baseRef}`)) ?? pull.headSha,
            repo: minimal,
          },
        },
      ],
      repository: { ...run.repository, ...repo },
      head_repository: { ...run.head_repository, ...repo },
    },
    ...common(fake, options.sender ?? pull.author, source),
  } as WorkflowRunCompletedEvent;
}

/** GitHub's `schedule` payload (no webhook example exists): the cron, repository and org. */
export interface ScheduleEvent {
  schedule: string;
  workflow: string;
  repository: Json;
  organization: Json;
  sender: Json;
}

export function scheduleEvent(
  fake: FakeGitHub,
  options: { cron?: string; workflow?: string } = {},
): ScheduleEvent {
  return {
    schedule: options.cron ?? '17 * * * *',
    workflow: options.workflow ?? '.github/workflows/expire.yml',
    repository: fake.render.repository(),
    organization: fake.render.orgSimple(),
    sender: fake.render.user('github-actions[bot]'),
  };
}

/**
 * Writes the event file and the runner's output files into `dir` and returns the environment
 * a GitHub Actions runner gives an action, pointed at the fake.
 */
export async function actionEnvironment(
  fake: FakeGitHub,
  options: { dir: string; eventName: string; payload: unknown; sha?: string; ref?: string },
): Promise<Record<string, string>> {
  await mkdir(options.dir, { recursive: true });
  const eventPath = join(options.dir, 'event.json');
  const output = join(options.dir, 'github_output');
  const summary = join(options.dir, 'step_summary');
  await writeFile(eventPath, JSON.stringify(options.payload, null, 2));
  await writeFile(output, '');
  await writeFile(summary, '');
  const sha =
    options.sha ?? (await fake.repo.refTarget(`refs/heads/${fake.state.defaultBranch}`)) ?? '';
  return {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_API_URL: fake.url,
    GITHUB_GRAPHQL_URL: `${fake.url}/graphql`,
    GITHUB_SERVER_URL: fake.render.html,
    GITHUB_REPOSITORY: `${fake.state.owner}/${fake.state.repo}`,
    GITHUB_REPOSITORY_OWNER: fake.state.owner,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: sha,
    GITHUB_REF: options.ref ?? `refs/heads/${fake.state.defaultBranch}`,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: fake.appLogin,
    GITHUB_WORKFLOW: 'jit-access',
    RUNNER_TEMP: options.dir,
  };
}

import type { GitHubPort } from '../github/port.js';

/** Which pull request an event is about, or why none. Event payloads are data from GitHub. */
export async function pullRequestOf(
  eventName: string,
  payload: Record<string, unknown>,
  explicit: number | undefined,
  port: GitHubPort,
): Promise<{ number: number } | { skip: string }> {
  if (explicit !== undefined) return { number: explicit };
  const p = payload as {
    pull_request?: { number?: number };
    workflow_run?: {
      head_sha?: string;
      head_branch?: string;
      pull_requests?: Array<{ number?: number }>;
      head_repository?: { owner?: { login?: string } };
    };
  };
  if (p.pull_request?.number) return { number: p.pull_request.number };
  if (eventName === 'workflow_run' && p.workflow_run) {
    const run = p.workflow_run;
    const n = run.pull_requests?.[0]?.number;
    if (n) return { number: n };
    // Fork PRs carry no pull_requests in workflow_run: find the open PR by head branch and sha.
    const owner = run.head_repository?.owner?.login;
    if (owner && run.head_branch) {
      const prs = await port.findPullRequestsByHead(owner, run.head_branch);
      const match = prs.find((x) => x.headSha === run.head_sha);
      if (match) return { number: match.number };
    }
    return {
      skip: `workflow_run for ${run.head_branch ?? 'an unknown branch'} matches no open pull request at ${run.head_sha ?? '?'}`,
    };
  }
  return { skip: `event ${eventName} carries no pull request; set the pull-request input` };
}

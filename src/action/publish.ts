import type { Decision } from '../core/evaluate/decision.js';
import type { Snapshot } from '../core/evaluate/snapshot.js';
import { isTeam, teamSlug } from '../core/rules/single.js';
import type { GitHubPort, StatusInput } from '../github/port.js';
import type { ActionInputs } from './inputs.js';
import { COMMENT_MARKER, renderDecision } from './render.js';
import type { Runner } from './runner.js';

const STATE: Record<Decision['verdict'], StatusInput['state']> = {
  approved: 'success',
  not_applicable: 'success',
  pending: 'pending',
  denied: 'failure',
};

/**
 * Publishes a decision: the commit status on the evaluated head (what branch protection
 * requires), one sticky comment updated in place, the job summary, file annotations, and review
 * requests to the approvers still missing.
 */
export async function publish(
  d: Decision,
  snap: Snapshot,
  inputs: ActionInputs,
  port: GitHubPort,
  runner: Runner,
): Promise<void> {
  const pr = snap.pull_request;
  const runUrl = runner.runId
    ? `${runner.serverUrl}/${runner.repository}/actions/runs/${runner.runId}`
    : undefined;
  await port.setStatus({
    sha: pr.head_sha,
    state: STATE[d.verdict],
    // The state is shown next to the description already: drop the summary's verdict prefix.
    description: d.summary.replace(/^(approved|pending|denied): /, ''),
    context: inputs.statusContext,
    ...(runUrl ? { targetUrl: runUrl } : {}),
  });

  const body = renderDecision(d, { headSha: pr.head_sha, ...(runUrl ? { runUrl } : {}) });
  if (inputs.comment) {
    const existing = await port.findComment(pr.number, COMMENT_MARKER);
    // A PR that no longer asks for access gets no new comment, but an earlier verdict comment
    // is updated so it does not keep saying "pending" or "denied".
    if (!existing) {
      if (d.verdict !== 'not_applicable') await port.createComment(pr.number, body);
    } else if (existing.body !== body) {
      await port.updateComment(existing.id, body);
    }
  }
  await runner.summary(body);

  const prPaths = new Set(pr.files.map((f) => f.path));
  for (const g of d.grants) {
    for (const r of g.reasons)
      runner.error(`${r.code}: ${r.message}`, prPaths.has(g.path) ? { file: g.path } : {});
  }
  for (const e of d.errors)
    runner.error(`${e.code}: ${e.message}`, e.path && prPaths.has(e.path) ? { file: e.path } : {});

  if (inputs.requestReviews && d.verdict === 'pending') {
    const { users, teams } = missingReviewers(d, snap);
    if (users.length + teams.length > 0) {
      try {
        await port.requestReviewers(pr.number, users, teams);
      } catch (e) {
        // Review requests are a courtesy: a reviewer GitHub refuses (no access) must not fail the gate.
        runner.warning(
          `could not request reviews from ${[...users, ...teams.map((t) => `team ${t}`)].join(', ')}: ${(e as Error).message}`,
        );
      }
    }
  }
}

/** Approvers and code owners of unmet requirements, minus the author and people who already approved. */
function missingReviewers(d: Decision, snap: Snapshot): { users: string[]; teams: string[] } {
  const author = (
    typeof snap.pull_request.author === 'string'
      ? snap.pull_request.author
      : snap.pull_request.author.login
  ).toLowerCase();
  const users = new Set<string>();
  const teams = new Set<string>();
  for (const g of d.grants) {
    if (g.verdict !== 'pending') continue;
    for (const r of g.requirements) {
      if (r.met) continue;
      for (const p of r.from) {
        if (isTeam(p)) {
          if (p.slice(1, p.indexOf('/')).toLowerCase() === snap.repository.owner.toLowerCase())
            teams.add(teamSlug(p));
        } else if (!p.includes('@') || p.startsWith('@')) {
          const login = p.replace(/^@/, '');
          const excluded = [
            author,
            g.grant?.requester.toLowerCase(),
            g.grant?.subject.toLowerCase(),
          ];
          if (
            !excluded.includes(login.toLowerCase()) &&
            !r.approved_by.some((a) => a.toLowerCase() === login.toLowerCase())
          )
            users.add(login);
        }
      }
    }
  }
  return { users: [...users], teams: [...teams] };
}

import { GRANT_MAX_BYTES, GRANT_MAX_DEPTH } from '../../core/grant.js';
import { decodeFile } from '../../core/load/decode.js';
import { parseStrictYaml } from '../../core/load/yaml-strict.js';
import { isGrantsPath } from '../../core/paths.js';
import { parseInstant } from '../../core/time.js';
import type { ExpiryPort, PullRequestInfo } from '../../github/port.js';
import { type Budget, CLOSE_REQUESTS, GRANT_READS_PER_REQUEST } from './budget.js';
import { BRANCH_PREFIX, EXPIRED_LABEL, type OpenRemovalPr, type OpenRequestPr } from './plan.js';

/**
 * A removal pull request is one whose head is a `jit/expire/…` branch of this repository
 * (creating one takes push access). Its label is for people and filters: it is added when
 * missing, but a label alone (triage access) never makes a PR count as removing grants.
 */
export function isRemovalPr(pr: PullRequestInfo, owner: string, repo: string): boolean {
  // A fork's branch (or a deleted fork's: no head repository) never counts.
  const same = pr.headRepo?.toLowerCase() === `${owner}/${repo}`.toLowerCase();
  return same && pr.headRef.startsWith(BRANCH_PREFIX);
}

/** Grant files a removal pull request deletes (removed under grants/; anything else ignored). */
export async function removalPaths(port: ExpiryPort, n: number): Promise<string[]> {
  const files = await port.listPullRequestFiles(n);
  return files.filter((f) => f.status === 'removed' && isGrantsPath(f.path)).map((f) => f.path);
}

export interface OpenPrs {
  removal: Array<OpenRemovalPr & { labelled: boolean }>;
  /** Open pull requests that may be access requests, not yet inspected. */
  candidates: PullRequestInfo[];
}

/** Lists open pull requests and reads the files of each removal pull request. */
export async function gatherOpenPrs(port: ExpiryPort, defaultBranch: string): Promise<OpenPrs> {
  const open = await port.listOpenPullRequests();
  const removal: OpenPrs['removal'] = [];
  const candidates: PullRequestInfo[] = [];
  for (const pr of open) {
    if (isRemovalPr(pr, port.owner, port.repo)) {
      removal.push({
        number: pr.number,
        branch: pr.headRef,
        paths: await removalPaths(port, pr.number),
        labelled: pr.labels.some((l) => l.toLowerCase() === EXPIRED_LABEL),
      });
    } else if (pr.baseRef === defaultBranch) {
      // Access requests target the default branch; other PRs are not this job's business.
      candidates.push(pr);
    }
  }
  return { removal, candidates };
}

export interface RequestInspection {
  requests: OpenRequestPr[];
  /** Candidates left uninspected because the budget is kept for the removal and closes. */
  uninspected: number[];
}

/**
 * Inspects open pull requests that touch grants/: the gate's status on the head and, for up to
 * GRANT_READS_PER_REQUEST added or changed grant files, `expires_at` and `role` read at the head
 * as data. Stops before the budget kept in `reserve` (the removal's writes) would be touched.
 */
export async function inspectRequests(
  port: ExpiryPort,
  candidates: readonly PullRequestInfo[],
  statusContext: string,
  budget: Budget,
  reserve: number,
): Promise<RequestInspection> {
  const requests: OpenRequestPr[] = [];
  const uninspected: number[] = [];
  for (const pr of candidates) {
    // Files (1 page), status, grant reads, and the close itself.
    if (!budget.allows(2 + GRANT_READS_PER_REQUEST + CLOSE_REQUESTS, reserve)) {
      uninspected.push(pr.number);
      continue;
    }
    const files = await port.listPullRequestFiles(pr.number);
    const grantFiles = files.filter(
      (f) => isGrantsPath(f.path) || isGrantsPath(f.previous_path ?? ''),
    );
    // No grant change, or only removals (a revocation): not an access request, never closed.
    if (grantFiles.every((f) => f.status === 'removed')) continue;
    const status = await port.getContextStatus(pr.headSha, statusContext);
    const grants: NonNullable<OpenRequestPr['grants']> = [];
    for (const f of grantFiles.filter((x) => x.status !== 'removed' && isGrantsPath(x.path))) {
      if (grants.length >= GRANT_READS_PER_REQUEST) break;
      grants.push({ path: f.path, ...(await readRequestedGrant(port, f.path, pr.headSha)) });
    }
    requests.push({
      number: pr.number,
      createdAt: Date.parse(pr.createdAt),
      status: status?.state ?? 'missing',
      grants,
      labels: pr.labels,
    });
  }
  return { requests, uninspected };
}

/** `expires_at` and `role` of a grant file at a PR head: untrusted data, parsed strictly. */
async function readRequestedGrant(
  port: ExpiryPort,
  path: string,
  ref: string,
): Promise<{ expiresAt?: number; role?: string }> {
  const c = await port.getContent(path, ref);
  if (c?.kind !== 'file') return {};
  const text = decodeFile(c.bytes, path, GRANT_MAX_BYTES);
  if (!text.ok) return {};
  const parsed = parseStrictYaml(text.value, {
    schema: 'failsafe',
    maxDepth: GRANT_MAX_DEPTH,
    path,
  });
  if (!parsed.ok) return {};
  const { expires_at: e, role } = parsed.value;
  const t = typeof e === 'string' ? parseInstant(e) : undefined;
  return {
    ...(t?.ok ? { expiresAt: t.ms } : {}),
    ...(typeof role === 'string' ? { role } : {}),
  };
}

/**
 * Blob shas of grant files on the default branch's tip: two tree reads whatever the number of
 * grants (the root tree, then grants/ recursively). Used only when the checkout is behind.
 */
export async function tipGrantBlobs(
  port: ExpiryPort,
  tipSha: string,
): Promise<{ rootTree: string; blobs: Map<string, string>; truncated: boolean }> {
  const root = await port.getTree(tipSha, false);
  const blobs = new Map<string, string>();
  const grants = root.entries.find((e) => e.path === 'grants' && e.type === 'tree');
  if (!grants) return { rootTree: root.sha, blobs, truncated: false };
  const sub = await port.getTree(grants.sha, true);
  for (const e of sub.entries) if (e.type === 'blob') blobs.set(`grants/${e.path}`, e.sha);
  return { rootTree: root.sha, blobs, truncated: sub.truncated };
}

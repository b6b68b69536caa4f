import { createHash } from 'node:crypto';
import { type AuditTrailers, formatTrailers } from '../core/audit/trailers.js';
import type { Decision } from '../core/evaluate/decision.js';
import type { Snapshot } from '../core/evaluate/snapshot.js';

/** Git's blob id of a file's bytes: what `git hash-object` prints, pinning the policy version. */
export function gitBlobSha(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/**
 * The merge commit message: a readable line per grant, then the SPEC §9 trailers in the last
 * paragraph. Only jit-access text goes in: the PR body and commit messages are left out so no
 * requester-written line can pose as a trailer.
 */
export function mergeMessage(
  d: Decision,
  snap: Snapshot,
  snapshotSha: string,
): { title: string; message: string } {
  const pr = snap.pull_request;
  const author = typeof pr.author === 'string' ? pr.author : pr.author.login;
  const t: AuditTrailers = {
    grants: [],
    revoked: [],
    expired: [],
    pr: pr.number,
    decision: `sha256:${snapshotSha}`,
  };
  const lines: string[] = [];
  for (const g of d.grants) {
    if (g.change === 'removed') {
      t.revoked.push(g.path);
      lines.push(`- revoke ${g.path}`);
      continue;
    }
    const approvers = [...new Set(g.requirements.flatMap((r) => r.approved_by))];
    const w = g.grant;
    const policyPath = w ? `policies/${w.system}.yaml` : undefined;
    const policy = policyPath ? snap.base.files[policyPath] : undefined;
    const blob =
      typeof policy === 'string' ? gitBlobSha(new TextEncoder().encode(policy)) : undefined;
    t.grants.push({
      grant: g.path,
      change: g.change,
      ...(w ? { requestedBy: g.change === 'narrowed' ? author : w.requester } : {}),
      approvedBy: approvers,
      ...(w?.ticket !== undefined ? { ticket: w.ticket } : {}),
      ...(w ? { expiresAt: w.expires_at } : {}),
      ...(policyPath && blob ? { policy: `${policyPath}@${blob}` } : {}),
    });
    if (w)
      lines.push(
        `- ${g.change === 'narrowed' ? 'narrow' : 'grant'} ${w.system}/${w.role} to ${w.subject} until ${w.expires_at}${approvers.length ? `, approved by ${approvers.join(', ')}` : ''}`,
      );
  }
  const first = d.grants.find((g) => g.grant)?.grant;
  const withGrant = d.grants.filter((g) => g.grant);
  const verb = withGrant.some((g) => g.change !== 'narrowed') ? 'grant' : 'narrow';
  const title =
    withGrant.length > 1
      ? `jit: ${verb} ${withGrant.length} accesses (#${pr.number})`
      : first
        ? `jit: ${verb} ${first.system}/${first.role} to ${first.subject} until ${first.expires_at} (#${pr.number})`
        : `jit: revoke ${d.grants.length} grant${d.grants.length > 1 ? 's' : ''} (#${pr.number})`;
  return {
    title: title.replace(/[\r\n]/g, ' ').slice(0, 200),
    message: `${lines.join('\n')}\n\n${formatTrailers(t)}`,
  };
}

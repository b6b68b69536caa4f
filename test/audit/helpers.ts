import { loadHistory } from '../../src/audit/history.js';
import { type AuditEvent, auditEvents } from '../../src/core/audit/events.js';
import {
  type AuditTrailers,
  formatTrailers,
  type GrantTrailer,
} from '../../src/core/audit/trailers.js';
import { verifyProvenance } from '../../src/core/audit/verify.js';
import { grantText } from '../support/fixtures.js';
import { PEOPLE } from './repo.js';

export const ALICE = 'grants/coupa/alice-invoice-approver-proc-4821.yaml';
export const POLICY = 'policies/coupa.yaml@0123456789abcdef0123456789abcdef01234567';
export const DECISION = 'a'.repeat(64);

/** A grant file of alice (coupa invoice-approver, PROC-4821) with `over` applied. */
export const aliceGrant = (over: Record<string, string | null> = {}) => grantText(over);

/** A commit message as the gate writes it: subject, optional body, trailers in the last paragraph. */
export function gateMessage(subject: string, t: Partial<AuditTrailers>, body?: string): string {
  const trailers = formatTrailers({ grants: [], revoked: [], expired: [], ...t });
  return [subject, ...(body ? [body] : []), trailers].join('\n\n');
}

/** The `Jit-Grant` block the gate writes for alice's request. */
export function aliceTrailer(over: Partial<GrantTrailer> = {}): GrantTrailer {
  return {
    grant: ALICE,
    change: 'added',
    requestedBy: 'alice',
    approvedBy: ['carol'],
    ticket: 'PROC-4821',
    expiresAt: '2026-12-04T17:00:00Z',
    policy: POLICY,
    ...over,
  };
}

/** A complete expected event for alice's grant: every field listed, `over` replaces some. */
export function aliceEvent(
  over: Partial<AuditEvent> & Pick<AuditEvent, 'time' | 'commit' | 'event'>,
): AuditEvent {
  return {
    path: ALICE,
    system: 'coupa',
    subject: 'alice',
    role: 'invoice-approver',
    requester: 'alice',
    approvers: null,
    ticket: 'PROC-4821',
    starts_at: null,
    expires_at: '2026-12-04T17:00:00Z',
    pull_request: null,
    policy: null,
    decision: null,
    author: PEOPLE.alice,
    notes: [],
    ...over,
  };
}

export const NO_GRANT_TRAILER =
  'approvers unknown: no Jit-Grant trailer for this path (not merged by the gate: a direct push, a revert or a hand-made merge)';
export const NO_REMOVAL_TRAILER =
  'no Jit-Revoked or Jit-Expired trailer for this path: removed outside the gate (removals need no approval)';

export async function eventsOf(dir: string): Promise<AuditEvent[]> {
  return auditEvents(await loadHistory(dir, 'HEAD'));
}

export async function verifyOf(dir: string) {
  const h = await loadHistory(dir, 'HEAD', { withTree: true });
  return verifyProvenance(h, h.tree);
}

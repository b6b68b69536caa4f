import { readFileSync } from 'node:fs';
import { type Tree, treeFromTexts } from '../../src/core/tree.js';

/** A small policy used across unit tests: coupa with the SoD pair and a grant_schema. */
export const COUPA_POLICY = `description: Coupa
requesters: ["@acme/procurement", "alice", "bob", "dave", "erin"]
approvers: ["@acme/procurement-leads"]
approvals: 1
max_duration: 8h
max_start_delay: 7d
ticket:
  pattern: "^PROC-[0-9]+$"
justification:
  min_length: 20
roles:
  invoice-approver: {}
  vendor-master-editor:
    approvals: 2
    max_duration: 4h
    conflicts: [netsuite/payment-releaser]
grant_schema:
  required: [cost_center]
  properties:
    cost_center: { type: string, pattern: "^CC-[0-9]{4}$" }
`;

export const NETSUITE_POLICY = `description: NetSuite payments
approvers: ["@acme/treasury"]
approvals: 1
max_duration: 8h
roles:
  payment-releaser:
    approvals: 2
    max_duration: 2h
  ap-clerk: {}
`;

/** A valid coupa grant at NOW; override fields with `over` (null removes a field). */
export function grantText(over: Record<string, string | null> = {}): string {
  const base: Record<string, string> = {
    requester: 'alice',
    role: 'invoice-approver',
    ticket: 'PROC-4821',
    justification: 'Approve the Q4 invoices of vendor ACME while bob is on leave.',
    expires_at: '2026-12-04T17:00:00Z',
    cost_center: 'CC-1234',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete base[k];
    else base[k] = v;
  }
  return Object.entries(base)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n')
    .concat('\n');
}

export const NOW = Date.parse('2026-12-04T12:00:00Z');

export function baseTree(extra: Record<string, string> = {}): Tree {
  return treeFromTexts({
    'policies/coupa.yaml': COUPA_POLICY,
    'policies/netsuite.yaml': NETSUITE_POLICY,
    ...extra,
  });
}

export const readText = (path: string): string => readFileSync(path, 'utf8');

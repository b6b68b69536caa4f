/**
 * The example organisation acme (docs/example-org.md) as the demo seeds it: the repository's own
 * policies and CODEOWNERS, the people and teams on GitHub, the users and groups of the Coupa
 * directory (SCIM), the roles the DBA created in the procurement database, the NetSuite groups.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..');

/** acme/access's default branch: the example policies and CODEOWNERS, verbatim, and no grant. */
export function repositoryFiles(options: { postgres: boolean }): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': '# acme/access\n\nAccess requests for acme procurement systems (jit-access).\n',
    '.github/CODEOWNERS': readFileSync(join(REPO, '.github', 'CODEOWNERS'), 'utf8'),
  };
  for (const name of readdirSync(join(REPO, 'policies')).sort()) {
    if (!name.endsWith('.yaml')) continue;
    if (name === 'procurement-db.yaml' && !options.postgres) continue;
    files[`policies/${name}`] = readFileSync(join(REPO, 'policies', name), 'utf8');
  }
  return files;
}

/** GitHub teams of the org and their members (docs/example-org.md, "People and teams"). */
export const TEAMS: Record<string, string[]> = {
  procurement: ['alice', 'dave', 'erin', 'judy'],
  finance: ['grace', 'heidi'],
  'procurement-leads': ['carol'],
  treasury: ['bob', 'trent'],
  dba: ['dana'],
  'procurement-integrations': ['oscar', 'erin'],
  'platform-security': ['sam'],
  // Owned by sync (policies/procurement-integrations.yaml): nobody has standing access.
  'jit-procurement-integrations-triage': [],
  'jit-procurement-integrations-maintainers': [],
  'jit-procurement-integrations-admins': [],
};

/** Everyone has write access to acme/access (they push request branches). */
export const PEOPLE = [...new Set(Object.values(TEAMS).flat())].sort();

export const SCIM_TOKEN = 'demo-coupa-scim-token-not-a-secret';
export const WEBHOOK_SECRET = 'demo-netsuite-webhook-secret-not-a-secret';

/** The Coupa directory: users exist (jit-access never creates any), the JIT groups exist. */
export const COUPA_USERS = [
  ...['alice', 'dave', 'erin', 'judy', 'grace', 'heidi', 'carol'].map((p) => `${p}@acme.example`),
  'coupa-breakglass@acme.example',
];
export const COUPA_INVOICE_GROUP = 'JIT Coupa Invoice Approvers';
export const COUPA_GROUPS = [
  COUPA_INVOICE_GROUP,
  'JIT Coupa PO Approvers',
  'JIT Coupa Vendor Master',
];

/** NetSuite's JIT groups behind the signed webhook (nobody in them). */
export const NETSUITE_GROUPS = {
  'JIT AP Clerk': [],
  'JIT Payment Approver': [],
  'JIT Payment Releaser': [],
};

/** What the DBA ran once: the group roles of policies/procurement-db.yaml and login roles. */
export const DBA_SETUP = [
  'CREATE ROLE jit_proc_readonly NOLOGIN',
  'CREATE ROLE jit_proc_analyst NOLOGIN',
  'CREATE ROLE jit_proc_dba NOLOGIN',
  'CREATE ROLE alice LOGIN',
  'CREATE ROLE dave LOGIN',
  'CREATE ROLE erin LOGIN',
  'CREATE ROLE judy LOGIN',
];

export const TICKET = 'PROC-5012';
export const COUPA_GRANT = 'grants/coupa/alice-invoice-approver-proc-5012.yaml';
export const DB_GRANT = 'grants/procurement-db/alice-readonly-proc-5012.yaml';

export function coupaGrant(expiresAt: string): string {
  return [
    '# yaml-language-server: $schema=../../schemas/grant.schema.json',
    'requester: alice',
    'role: invoice-approver',
    `ticket: ${TICKET}`,
    'justification: Approve the open invoices of Northwind Office Supply while bob is on leave.',
    'cost_center: "CC-1234"',
    `expires_at: "${expiresAt}"`,
    '',
  ].join('\n');
}

export function dbGrant(expiresAt: string): string {
  return [
    '# yaml-language-server: $schema=../../schemas/grant.schema.json',
    'requester: alice',
    'role: readonly',
    `ticket: ${TICKET}`,
    'justification: Look up the invoice history of Northwind Office Supply.',
    `expires_at: "${expiresAt}"`,
    '',
  ].join('\n');
}

import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { LinearRegex } from './regex.js';

/** `@org/team` or a login, as written in a policy. */
export type Principal = string;

/** Settings of one role after the policy defaults were applied (SPEC §3: role overrides policy). */
export interface RoleSettings {
  name: string;
  description?: string;
  requesters?: Principal[];
  approvers: Principal[];
  approvals: number;
  maxDurationMs: number;
  maxDurationText: string;
  maxStartDelayMs: number;
  maxStartDelayText: string;
  ticket?: { pattern: string; re: LinearRegex };
  justificationMinLength: number;
  /** Declared on this role, normalised to `system/role`. */
  conflicts: string[];
}

export interface TargetSettings {
  type: 'scim' | 'github-team' | 'postgres' | 'webhook';
  /** role → target group (SCIM displayName, team slug, pg role, webhook group label). */
  mapping: Record<string, string>;
  /** Template producing the target-side user from the subject login. */
  user: string;
  preserve: string[];
  /** The raw block (env variable names, org), never secrets. */
  settings: Record<string, unknown>;
}

export interface Policy {
  system: string;
  path: string;
  description?: string;
  roles: Map<string, RoleSettings>;
  grantValidator: ValidateFunction;
  grantSchemaKeys: string[];
  target?: TargetSettings;
}

/** A grant file that loaded and passed its schema. Times are epoch milliseconds. */
export interface Grant {
  path: string;
  system: string;
  name: string;
  requester: string;
  subject: string;
  role: string;
  ticket?: string;
  justification: string;
  startsAt?: number;
  expiresAt: number;
  /** Every field as written (all strings). */
  fields: Record<string, string>;
}

export const STANDARD_GRANT_FIELDS = [
  'requester',
  'subject',
  'role',
  'ticket',
  'justification',
  'starts_at',
  'expires_at',
] as const;

/** Case-insensitive comparison key for GitHub logins and team slugs. */
export const loginKey = (login: string): string => login.toLowerCase();

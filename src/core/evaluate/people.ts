import { loginKey } from '../model.js';
import { refId, refLogin, type Snapshot, type SnapshotUser, type UserRef } from './snapshot.js';

/** A person as the evaluator knows them: login, numeric id when known, type and permission. */
export interface Person {
  login: string;
  id?: number;
  type: string;
  permission: SnapshotUser['permission'];
}

/**
 * Resolves user references of a snapshot. People are compared by numeric id when both sides
 * have one, logins case-insensitively otherwise (SPEC §4). Unknown users have no permission and
 * an unknown type, so they can never approve (fail closed).
 */
export class People {
  private readonly byLogin = new Map<string, SnapshotUser>();
  private readonly byId = new Map<number, SnapshotUser>();

  constructor(users: Snapshot['users']) {
    for (const u of users) {
      this.byLogin.set(loginKey(u.login), u);
      this.byId.set(u.id, u);
    }
  }

  resolve(ref: UserRef | null | undefined): Person | undefined {
    const login = refLogin(ref);
    const id = refId(ref);
    const known =
      (id !== undefined ? this.byId.get(id) : undefined) ??
      (login ? this.byLogin.get(loginKey(login)) : undefined);
    if (known)
      return { login: known.login, id: known.id, type: known.type, permission: known.permission };
    if (!login) return undefined;
    return { login, ...(id !== undefined ? { id } : {}), type: 'Unknown', permission: 'none' };
  }

  /** Same person? By id when both are known, else by login, case-insensitively. */
  same(a: Person | undefined, b: Person | undefined): boolean {
    if (!a || !b) return false;
    if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
    return loginKey(a.login) === loginKey(b.login);
  }
}

export const canWrite = (p: Person | undefined): boolean =>
  !!p && (p.permission === 'write' || p.permission === 'maintain' || p.permission === 'admin');

export const isHuman = (p: Person): boolean => p.type === 'User';

/** Stable key for grouping reviews by reviewer. */
export const personKey = (p: Person): string =>
  p.id !== undefined ? `#${p.id}` : `@${loginKey(p.login)}`;

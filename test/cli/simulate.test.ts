import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jit } from '../support/cli.js';
import { review, snapshot } from '../support/snapshot.js';

const save = (data: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'jit-sim-'));
  const file = join(dir, 'snapshot.json');
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
};

describe('jit simulate', () => {
  it('pending → exit 3, approved → 0, denied → 1, with the SPEC §6 JSON shape', async () => {
    const pending = await jit(['simulate', save(snapshot()), '--json']);
    expect(pending.code).toBe(3);
    const j = JSON.parse(pending.stdout);
    expect(Object.keys(j).sort()).toEqual(['errors', 'grants', 'verdict']);
    expect(Object.keys(j.grants[0]).sort()).toEqual([
      'change',
      'ignored_reviews',
      'path',
      'reasons',
      'requirements',
      'verdict',
    ]);

    const approved = snapshot({ reviews: [review('carol', 'APPROVED')] });
    expect((await jit(['simulate', save(approved)])).code).toBe(0);

    const denied = snapshot({ reviews: [review('carol', 'APPROVED')] });
    denied.pull_request.base_ref = 'dev';
    const d = await jit(['simulate', save(denied)]);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/E_BASE_BRANCH/);
  });

  it('--now asks "what if": the same snapshot evaluated after expiry is denied', async () => {
    const file = save(snapshot({ reviews: [review('carol', 'APPROVED')] }));
    const later = await jit(['simulate', file, '--now', '2026-12-05T00:00:00Z', '--json']);
    expect(later.code).toBe(1);
    expect(JSON.parse(later.stdout).grants[0].reasons[0].code).toBe('E_EXPIRED');
  });

  it('a malformed snapshot is a usage error naming the field', async () => {
    const s = snapshot() as unknown as { pull_request: { reviews: unknown } };
    s.pull_request.reviews = 'none';
    const r = await jit(['simulate', save(s)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pull_request\.reviews must be of type array/);
    expect((await jit(['simulate', save('{not json')])).code).toBe(2);
    expect((await jit(['simulate'])).code).toBe(2);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCopy, jit, REPO } from '../support/cli.js';

describe('jit check', () => {
  it('accepts the example organisation (exit 0), expired grants as warnings', async () => {
    const r = await jit(['check', '--json', '--now', '2026-12-05T10:00:00Z']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.errors).toEqual([]);
    expect(j.policies).toBeGreaterThanOrEqual(4);
    expect(j.grants).toBeGreaterThanOrEqual(8);
    expect(j.warnings.length).toBeGreaterThan(0);
    expect(j.warnings.every((w: { code: string }) => w.code === 'W_EXPIRED')).toBe(true);
  });

  it('reports findings with file, field and value, exit 1', async () => {
    const dir = exampleCopy();
    writeFileSync(
      join(dir, 'grants/coupa/mallory.yaml'),
      'requester: mallory\nrole: invoice-approver\nticket: PROC-1\njustification: I want to approve my own invoices please\nexpires_at: 2026-12-05T23:59:60Z\ncost_center: CC-1234\n',
    );
    const r = await jit(['check', '--root', dir, '--now', '2026-12-05T10:00:00Z']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /error +E_TIME_FORMAT +grants\/coupa\/mallory\.yaml: expires_at "2026-12-05T23:59:60Z" has second 60/,
    );
    expect(r.stdout).toMatch(/1 error\(s\)/);
  });

  it('refuses a symlink and a stray file under grants/', async () => {
    const dir = exampleCopy();
    symlinkSync('/etc/passwd', join(dir, 'grants/coupa/link.yaml'));
    mkdirSync(join(dir, 'grants/coupa/nested'));
    writeFileSync(join(dir, 'grants/coupa/nested/x.yaml'), 'a: b\n');
    writeFileSync(join(dir, 'grants/README.md'), '# grants\n');
    const r = await jit(['check', '--root', dir, '--json', '--now', '2026-12-05T10:00:00Z']);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout).errors.map(
      (e: { code: string; path: string }) => `${e.code} ${e.path}`,
    );
    expect(codes).toEqual(
      expect.arrayContaining([
        'E_SYMLINK grants/coupa/link.yaml',
        'E_PATH grants/coupa/nested/x.yaml',
        'E_PATH grants/README.md',
      ]),
    );
  });

  it('bad usage exits 2 with a sentence, never a stack trace', async () => {
    const bad = await jit(['check', '--now', 'tomorrow']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--now "tomorrow" is not an RFC 3339 time/);
    const unknown = await jit(['check', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect((await jit(['nope'])).code).toBe(2);
  });

  it('runs as `npx jit check` from the bundled binary', () => {
    const r = spawnSync(
      'node',
      [join(REPO, 'bin/jit.js'), 'check', '--json', '--now', '2026-12-05T10:00:00Z'],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
    const missing = spawnSync(
      'node',
      [join(REPO, 'bin/jit.js'), 'check', '--root', '/nonexistent-dir'],
      { encoding: 'utf8' },
    );
    // A folder without policies/ is a usage error, never "0 problems".
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/has no policies\/ folder/);
    expect(
      execFileSync('git', ['-C', REPO, 'ls-files', 'bin/jit.js'], { encoding: 'utf8' }).trim(),
    ).toBe('bin/jit.js');
  });
});

describe('jit check: CODEOWNERS', () => {
  it('an invalid CODEOWNERS line is an error (it would deny every request on the gate)', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, '.github/CODEOWNERS'), '/grants/coupa/ procurement-leads\n');
    const r = await jit(['check', '--root', dir, '--json', '--now', '2026-12-05T10:00:00Z']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors.map((e: { code: string }) => e.code)).toEqual([
      'E_CODEOWNERS_INVALID',
    ]);
  });
});

describe('jit as a Unix citizen', () => {
  it('a closed pipe (jit status | head -1) ends quietly, without a stack trace', () => {
    // Far more output than a pipe buffer holds, so the writer really hits the closed pipe.
    const dir = exampleCopy();
    const text = readFileSync(join(dir, 'grants/coupa/erin-po-approver-proc-4795.yaml'), 'utf8');
    for (let i = 0; i < 3000; i++)
      writeFileSync(join(dir, `grants/coupa/erin-po-approver-proc-4795-${i}.yaml`), text);
    const r = spawnSync(
      'bash',
      ['-c', `node ${join(REPO, 'bin/jit.js')} status --root ${dir} | head -1`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stdout.trim()).toMatch(/^Grants at /);
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
  });
});

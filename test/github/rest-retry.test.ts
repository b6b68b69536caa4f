import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceeded } from '../../src/github/budget.js';
import { RestGitHub } from '../../src/github/rest.js';
import { isTransient, retryDelay } from '../../src/github/retry.js';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github/index.js';

let fake: FakeGitHub;
let waits: number[];

beforeEach(async () => {
  fake = await startFakeGitHub({ files: { 'README.md': '# access\n' } });
  waits = [];
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const port = (budget?: number) =>
  new RestGitHub({
    token: fake.appToken,
    owner: 'acme',
    repo: 'access',
    baseUrl: fake.url,
    ...(budget !== undefined ? { budget } : {}),
    retry: { baseDelayMs: 1, sleep: async (ms) => void waits.push(ms) },
  });

describe('GitHub adapter retries', () => {
  it('a 503 twice, then an answer: the call succeeds on the third attempt, all three counted', async () => {
    fake.injectFailure('repos/get', { status: 503, times: 2, message: 'Service Unavailable' });
    const p = port();
    expect(await p.getDefaultBranch()).toBe('main');
    expect(fake.count('repos/get')).toBe(3);
    expect(p.requests).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it('a persistent 502 fails after 3 attempts with GitHub’s status', async () => {
    fake.injectFailure('repos/get', { status: 502, times: 10, message: 'Bad Gateway' });
    await expect(port().getDefaultBranch()).rejects.toMatchObject({ status: 502 });
    expect(fake.count('repos/get')).toBe(3);
  });

  it('Retry-After of a 429 is honoured', async () => {
    fake.injectFailure('repos/get', {
      status: 429,
      times: 1,
      message: 'rate limited',
      headers: { 'retry-after': '2' },
    });
    await port().getDefaultBranch();
    expect(waits).toEqual([2000]);
  });

  it('an answer (404, 409, 422) is never retried', async () => {
    const p = port();
    expect(await p.getContent('missing.yaml', 'main')).toBeUndefined();
    expect(fake.count('repos/get-content')).toBe(1);
    expect(waits).toEqual([]);
  });

  it('retries count against the API budget', async () => {
    fake.injectFailure('repos/get', { status: 503, times: 10, message: 'Service Unavailable' });
    await expect(port(2).getDefaultBranch()).rejects.toBeInstanceOf(BudgetExceeded);
    expect(fake.count('repos/get')).toBe(2);
  });
});

describe('retry classification', () => {
  it.each([
    [{ status: 500 }, true],
    [{ status: 502 }, true],
    [{ status: 501 }, false],
    [{ status: 429 }, true],
    [{ status: 403, message: 'API rate limit exceeded' }, true],
    [{ status: 403, message: 'Resource not accessible by integration' }, false],
    [{ status: 404 }, false],
    [{ status: 409 }, false],
    [{ status: 422 }, false],
    [new Error('socket hang up'), true],
  ])('%o → %s', (e, want) => {
    expect(isTransient(e)).toBe(want);
  });

  it('backoff doubles, is capped, and prefers Retry-After', () => {
    const p = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, sleep: async () => {} };
    expect(retryDelay({ status: 503 }, 1, p, () => 0)).toBe(1000);
    expect(retryDelay({ status: 503 }, 2, p, () => 0)).toBe(2000);
    expect(retryDelay({ status: 503 }, 10, p, () => 0)).toBe(30_000);
    expect(retryDelay({ status: 429, response: { headers: { 'retry-after': '7' } } }, 1, p)).toBe(
      7000,
    );
  });
});

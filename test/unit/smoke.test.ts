import { describe, expect, it } from 'vitest';
import { finding } from '../../src/core/codes.js';

describe('finding', () => {
  it('carries code, message and location', () => {
    expect(finding('E_YAML', 'bad', { path: 'grants/a/b.yaml' })).toEqual({
      code: 'E_YAML',
      message: 'bad',
      path: 'grants/a/b.yaml',
    });
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docs/deployment.md is written by hand; these tests keep it equal to what it documents:
 * action.yml (inputs and outputs tables) and .github/workflows/ (the copy-paste workflows).
 */
const ROOT = join(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/deployment.md'), 'utf8');

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}
const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;

/** The rows of the first markdown table after `heading`, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const lines = DOC.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`docs/deployment.md has no line "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2); // header and separator
}

const code = (cell: string | undefined) => (cell ?? '').replace(/^`(.*)`$/, '$1');

describe('docs/deployment.md: inputs and outputs tables match action.yml', () => {
  const inputs = tableAfter('### Inputs');
  const outputs = tableAfter('### Outputs');

  it('lists every input of action.yml exactly once, and nothing else', () => {
    const names = inputs.map((r) => code(r[0]));
    expect(names).toEqual(Object.keys(action.inputs));
  });

  it.each(Object.entries(action.inputs))(
    'input %s: default, required and description',
    (name, def) => {
      const row = inputs.find((r) => code(r[0]) === name);
      expect(row, `no row for input ${name}`).toBeDefined();
      expect(code(row?.[1])).toBe(def.default ?? '');
      expect(row?.[2]).toBe(def.required ? 'yes' : 'no');
      expect((row?.[3] ?? '').length).toBeGreaterThan(10);
    },
  );

  it('lists every output of action.yml exactly once, and nothing else', () => {
    const names = outputs.map((r) => code(r[0]));
    expect(names).toEqual(Object.keys(action.outputs));
    for (const r of outputs) expect((r[2] ?? '').length).toBeGreaterThan(10);
  });
});

type Obj = Record<string, unknown>;

/** The workflow as data, with the jit-access action reference made comparable. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object' && value !== null) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      out[k] =
        k === 'uses' && typeof v === 'string' && (v === './' || /\/jit-access@/.test(v))
          ? '<jit-access>'
          : normalise(v);
    }
    return out;
  }
  return value;
}

/** ```yaml blocks whose first line is `# .github/workflows/<file>`. */
function documentedWorkflows(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of DOC.matchAll(/```yaml\n# \.github\/workflows\/([a-z0-9-]+\.yml)\n([\s\S]*?)```/g))
    out.set(m[1] as string, m[2] as string);
  return out;
}

describe('docs/deployment.md: the copy-paste workflows are the ones this repository runs', () => {
  const documented = documentedWorkflows();
  const deployment = readdirSync(join(ROOT, '.github/workflows'))
    .filter((f) => f.startsWith('jit-'))
    .sort();

  it('documents every jit-* workflow', () => {
    expect([...documented.keys()].sort()).toEqual(deployment);
  });

  it.each(deployment)('%s: same YAML (only the action reference differs)', (f) => {
    const ours = parse(readFileSync(join(ROOT, '.github/workflows', f), 'utf8'));
    const theirs = parse(documented.get(f) ?? '');
    expect(normalise(theirs)).toEqual(normalise(ours));
  });

  it('adopters pin the action by commit SHA, never by tag or branch', () => {
    let pinned = 0;
    for (const [f, text] of documented) {
      for (const m of text.matchAll(/uses: (\S+)/g)) {
        const uses = m[1] ?? '';
        expect(uses, `${f}: the action must come from the pinned release`).not.toBe('./');
        if (!uses.includes('/jit-access@')) continue;
        expect(uses, f).toMatch(/@<release-commit-sha>$/);
        pinned++;
      }
    }
    expect(pinned).toBe(4); // evaluate, evaluate-review, expire, sync
  });

  it('names every secret the workflows use', () => {
    const secrets = new Set<string>();
    for (const text of documented.values())
      for (const m of text.matchAll(/secrets\.([A-Z0-9_]+)/g)) secrets.add(m[1] as string);
    expect(secrets.size).toBeGreaterThan(0);
    const prose = DOC.replace(/```[\s\S]*?```/g, '');
    for (const s of secrets) expect(prose, `secret ${s} is not explained`).toContain(`\`${s}\``);
  });
});

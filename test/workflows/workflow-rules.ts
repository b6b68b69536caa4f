import { isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';

/**
 * Security rules for GitHub Actions workflows (SPEC §10, THREATS "Running PR content", "Forged
 * verdict", "Secrets"). actionlint checks syntax, types and untrusted input in `run:`; these rules
 * check what actionlint cannot know: how this product must be deployed.
 */
export type RuleId =
  | 'pinned-sha'
  | 'pin-comment'
  | 'pr-ref-checkout'
  | 'default-branch-checkout'
  | 'runs-pr-code'
  | 'untrusted-local-action'
  | 'job-permissions'
  | 'expression-in-run'
  | 'job-concurrency';

export interface Finding {
  rule: RuleId;
  /** `file: jobs.<id>.steps[<n>]` or similar. */
  where: string;
  message: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Triggers with secrets and a write token next to PR data: nothing from the PR may run there. */
const PRIVILEGED_EVENTS = ['pull_request_target', 'workflow_run'];

/** Expressions and refs that name the pull request's code rather than the default branch. */
const PR_REF =
  /github\.event\.pull_request\.head|github\.event\.pull_request\.merge_commit_sha|github\.head_ref|github\.event\.workflow_run\.head_(sha|branch|repository|commit)|github\.event\.number|refs\/pull\/|gh\s+pr\s+checkout/;

/** Commands that install or run code from the working tree (a package manager runs scripts). */
const RUNS_CODE = /\b(npm|pnpm|yarn|bun)\s+(ci|install|i|add|run|test|exec|x)\b|\bnpx\b/;

/** Untrusted or secret data that must reach a `run:` only through `env:`. */
const RUN_EXPRESSION = /\$\{\{[^}]*\b(github\.event\.|github\.head_ref|secrets\.)/;

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not JS
const DEFAULT_BRANCH_REF = '${{ github.event.repository.default_branch }}';

const SHA_PIN = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const DOCKER_PIN = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;

/** The `on:` of a workflow as a list of event names. */
export function eventsOf(workflow: Obj): string[] {
  const on = workflow.on;
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  if (isObj(on)) return Object.keys(on);
  return [];
}

export interface ParsedWorkflow {
  file: string;
  text: string;
  workflow: Obj;
}

/** Parses one workflow; a YAML error is thrown with the file name (actionlint reports it too). */
export function parseWorkflow(file: string, text: string): ParsedWorkflow {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message}`);
  const workflow = doc.toJS() as unknown;
  if (!isObj(workflow)) throw new Error(`${file}: not a mapping`);
  return { file, text, workflow };
}

interface Step {
  job: string;
  index: number;
  step: Obj;
}

function jobsOf(workflow: Obj): Array<[string, Obj]> {
  const jobs = workflow.jobs;
  if (!isObj(jobs)) return [];
  return Object.entries(jobs).filter((e): e is [string, Obj] => isObj(e[1]));
}

function stepsOf(workflow: Obj): Step[] {
  const out: Step[] = [];
  for (const [job, def] of jobsOf(workflow)) {
    const steps = Array.isArray(def.steps) ? def.steps : [];
    steps.forEach((step, index) => {
      if (isObj(step)) out.push({ job, index, step });
    });
  }
  return out;
}

const at = (file: string, s: Step) => `${file}: jobs.${s.job}.steps[${s.index}]`;
const isCheckout = (uses: string) => /^actions\/checkout@/.test(uses);

/** Runs every rule on one workflow. */
export function checkWorkflow(p: ParsedWorkflow): Finding[] {
  return [
    ...pinnedActions(p),
    ...privilegedCheckouts(p),
    ...jobPermissions(p),
    ...expressionsInRun(p),
    ...jobConcurrency(p),
  ];
}

/** Every remote action (and reusable workflow) is pinned to a full commit SHA with a tag comment. */
function pinnedActions(p: ParsedWorkflow): Finding[] {
  const out: Finding[] = [];
  const uses: Array<{ where: string; value: string }> = [];
  for (const [job, def] of jobsOf(p.workflow))
    if (typeof def.uses === 'string')
      uses.push({ where: `${p.file}: jobs.${job}`, value: def.uses });
  for (const s of stepsOf(p.workflow))
    if (typeof s.step.uses === 'string') uses.push({ where: at(p.file, s), value: s.step.uses });
  for (const u of uses) {
    if (u.value.startsWith('./')) continue;
    if (!SHA_PIN.test(u.value) && !DOCKER_PIN.test(u.value)) {
      out.push({
        rule: 'pinned-sha',
        where: u.where,
        message: `uses: ${u.value} is not pinned to a full commit SHA (a tag can be moved to other code)`,
      });
    }
  }
  // The `# vX.Y.Z` comment says which release the SHA is, for reviewers and update bots.
  for (const { value, line } of usesLines(p.text)) {
    if (value.startsWith('./') || !SHA_PIN.test(value)) continue;
    if (!/#\s*v\d+\.\d+\.\d+\s*$/.test(line)) {
      out.push({
        rule: 'pin-comment',
        where: `${p.file}: ${value}`,
        message: `uses: ${value} has no "# vX.Y.Z" comment naming the release of that SHA`,
      });
    }
  }
  return out;
}

/** Each `uses:` scalar with the rest of its source line (where the tag comment lives). */
function usesLines(text: string): Array<{ value: string; line: string }> {
  const out: Array<{ value: string; line: string }> = [];
  const visit = (node: Node | null | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) {
          const range = pair.value.range;
          if (range) {
            const end = text.indexOf('\n', range[0]);
            out.push({
              value: String(pair.value.value),
              line: text.slice(range[0], end === -1 ? undefined : end),
            });
          }
        } else visit(pair.value as Node);
      }
    } else if (isSeq(node)) for (const item of node.items) visit(item as Node);
  };
  visit(parseDocument(text).contents as Node);
  return out;
}

/**
 * In pull_request_target and workflow_run workflows: every checkout is the default branch at a
 * fixed ref without persisted credentials, no step fetches PR refs or runs a package manager, and
 * `uses: ./…` only runs from a default-branch checkout of the workspace root.
 */
function privilegedCheckouts(p: ParsedWorkflow): Finding[] {
  const events = eventsOf(p.workflow);
  if (!events.some((e) => PRIVILEGED_EVENTS.includes(e))) return [];
  const out: Finding[] = [];
  const trustedRoot = new Set<string>();
  for (const s of stepsOf(p.workflow)) {
    const uses = str(s.step.uses);
    const withs = isObj(s.step.with) ? s.step.with : {};
    const run = str(s.step.run);
    if (isCheckout(uses)) {
      const ref = str(withs.ref);
      const repository = str(withs.repository);
      if (PR_REF.test(ref) || PR_REF.test(repository)) {
        out.push({
          rule: 'pr-ref-checkout',
          where: at(p.file, s),
          message: `checks out code of the pull request (ref: ${ref || '-'}, repository: ${repository || '-'}) in a ${events.join('/')} workflow`,
        });
      }
      const defaultBranch = ref.trim() === DEFAULT_BRANCH_REF && repository === '';
      if (!defaultBranch || withs['persist-credentials'] !== false) {
        out.push({
          rule: 'default-branch-checkout',
          where: at(p.file, s),
          message: `a ${events.join('/')} workflow must check out only ref: ${DEFAULT_BRANCH_REF} of this repository, with persist-credentials: false`,
        });
      }
      const path = str(withs.path).replace(/^\.\/?$/, '');
      if (defaultBranch && path === '') trustedRoot.add(s.job);
      else trustedRoot.delete(s.job);
    }
    if (run && PR_REF.test(run)) {
      out.push({
        rule: 'pr-ref-checkout',
        where: at(p.file, s),
        message: `run: refers to the pull request's code (${run.match(PR_REF)?.[0]}) in a ${events.join('/')} workflow`,
      });
    }
    if (run && RUNS_CODE.test(run)) {
      out.push({
        rule: 'runs-pr-code',
        where: at(p.file, s),
        message: `run: "${run.match(RUNS_CODE)?.[0]}" installs or runs code from the working tree in a ${events.join('/')} workflow`,
      });
    }
    if (uses.startsWith('./') && !trustedRoot.has(s.job)) {
      out.push({
        rule: 'untrusted-local-action',
        where: at(p.file, s),
        message: `uses: ${uses} runs from a workspace that is not (only) a root checkout of the default branch`,
      });
    }
  }
  return out;
}

/** Every job states its token permissions explicitly, as a mapping (no read-all / write-all). */
function jobPermissions(p: ParsedWorkflow): Finding[] {
  const out: Finding[] = [];
  for (const [job, def] of jobsOf(p.workflow)) {
    if (!('permissions' in def) || !isObj(def.permissions)) {
      out.push({
        rule: 'job-permissions',
        where: `${p.file}: jobs.${job}`,
        message: `job ${job} has no explicit permissions: mapping (got ${JSON.stringify(def.permissions) ?? 'nothing'})`,
      });
    }
  }
  return out;
}

/** No `${{ github.event.* }}`, `github.head_ref` or `secrets.*` expression inside a `run:`. */
function expressionsInRun(p: ParsedWorkflow): Finding[] {
  const out: Finding[] = [];
  for (const s of stepsOf(p.workflow)) {
    const run = str(s.step.run);
    const m = run.match(RUN_EXPRESSION);
    if (m) {
      out.push({
        rule: 'expression-in-run',
        where: at(p.file, s),
        message: `run: contains ${m[0]}…}}; pass the value through env: instead`,
      });
    }
  }
  return out;
}

/** expire and sync change shared state: a concurrency group that never cancels a running job. */
function jobConcurrency(p: ParsedWorkflow): Finding[] {
  const out: Finding[] = [];
  for (const [job, def] of jobsOf(p.workflow)) {
    const steps = Array.isArray(def.steps) ? def.steps.filter(isObj) : [];
    const command = steps
      .filter((s) => str(s.uses).startsWith('./') && isObj(s.with))
      .map((s) => str((s.with as Obj).command))
      .find((c) => c === 'expire' || c === 'sync');
    if (!command) continue;
    const c = def.concurrency ?? p.workflow.concurrency;
    const group = typeof c === 'string' ? c : isObj(c) ? str(c.group) : '';
    const cancels =
      isObj(c) && c['cancel-in-progress'] !== false && c['cancel-in-progress'] !== undefined;
    if (!group || cancels) {
      out.push({
        rule: 'job-concurrency',
        where: `${p.file}: jobs.${job}`,
        message: `job ${job} runs command: ${command} without a concurrency group with cancel-in-progress: false`,
      });
    }
  }
  return out;
}

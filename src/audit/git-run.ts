import { spawn } from 'node:child_process';

/** Thrown when git fails; `stderr` holds git's own explanation. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

export interface GitRun {
  /** Receives stdout as it arrives (the caller parses incrementally). */
  onStdout(chunk: Buffer): void;
  /** Written to stdin, then stdin is closed. */
  stdin?: string;
  /** Exit codes that are answers, not failures (default: only 0). */
  okCodes?: number[];
}

/**
 * Settings every git invocation of the audit gets, whatever the user's configuration says:
 * `log.showSignature` would inject gpg output into the parsed stream, and C messages make git's
 * errors stable. Pathspecs are literal (no glob magic from a path).
 */
const GIT_PREFIX = ['-c', 'log.showSignature=false', '-c', 'core.quotePath=false'];

/** A running git process: its stdin (for batch commands) and its outcome. */
export interface GitProcess {
  stdin: NodeJS.WritableStream;
  /** Resolves with the exit code when it is 0 or one of `okCodes`; rejects with a GitError. */
  done: Promise<number>;
}

/**
 * Starts git with an argument array (never a shell) in `cwd`, streaming stdout to the caller.
 * The caller writes stdin (if any) and ends it.
 */
export function spawnGit(
  cwd: string,
  args: string[],
  onStdout: (chunk: Buffer) => void,
  okCodes: number[] = [],
): GitProcess {
  const child = spawn('git', ['--literal-pathspecs', ...GIT_PREFIX, ...args], {
    cwd,
    env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => {
    // git may exit before reading all of stdin (e.g. a bad repository); `done` reports it.
  });
  const done = new Promise<number>((resolve, reject) => {
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout.on('data', onStdout);
    child.stderr.on('data', (c: Buffer) => {
      // Keep only the start of stderr: git's first lines say what went wrong.
      if (errBytes < 64 * 1024) err.push(c);
      errBytes += c.length;
    });
    child.on('error', (e) =>
      reject(new GitError(`cannot run git (${e.message}); install git and retry`, '', null)),
    );
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (code === 0 || (code !== null && okCodes.includes(code))) resolve(code);
      else
        reject(
          new GitError(
            `git ${args[0]} failed (exit ${code}): ${stderr.split('\n')[0]}`,
            stderr,
            code,
          ),
        );
    });
  });
  return { stdin: child.stdin, done };
}

/**
 * Runs git to completion: stdout streamed to the caller, `stdin` written and closed. Resolves
 * with the exit code when it is 0 or one of `okCodes`; rejects with a GitError otherwise.
 */
export function runGit(cwd: string, args: string[], run: GitRun): Promise<number> {
  const p = spawnGit(cwd, args, run.onStdout, run.okCodes);
  p.stdin.end(run.stdin ?? '');
  return p.done;
}

/** Runs git and returns its exit code and whole stdout as text (small outputs only). */
export async function gitText(
  cwd: string,
  args: string[],
  okCodes: number[] = [],
): Promise<{ code: number; stdout: string }> {
  const chunks: Buffer[] = [];
  const code = await runGit(cwd, args, { onStdout: (c) => chunks.push(c), okCodes });
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

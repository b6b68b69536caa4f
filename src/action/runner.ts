/**
 * What the action needs from the Actions runner, as a port: tests run the bundled action with
 * the real environment, and this keeps `@actions/core` at the edge (main.ts).
 */
export interface Runner {
  eventName: string;
  event: Record<string, unknown>;
  workspace: string;
  tempDir: string;
  serverUrl: string;
  repository: string;
  runId?: string;
  env: Record<string, string | undefined>;
  now(): number;
  info(m: string): void;
  warning(m: string): void;
  error(m: string, where?: { file?: string; line?: number }): void;
  setOutput(name: string, value: string): void;
  summary(markdown: string): Promise<void>;
  fail(m: string): void;
}

export * from './events.js';
export type { CommitInfo, FileChange, Signature, TreeEntry } from './git.js';
export { BareRepo, runGit } from './git.js';
export type { Reply } from './http.js';
export { HEAD_MODIFIED } from './routes/merge.js';
export * from './server.js';
export * from './state.js';
export { warmUp } from './validate.js';

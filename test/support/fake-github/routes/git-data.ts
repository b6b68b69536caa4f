import type { TreeEntry } from '../git.js';
import { GitHubError, type Handler, noContent, notFound, ok, type RouteContext } from '../http.js';

const unprocessable = (message: string) => new GitHubError(422, message);

/** `heads/main` (as the Git refs API takes it) → `refs/heads/main`. */
function fullRef(ref: string): string {
  return `refs/${ref.replace(/^\/+/, '')}`;
}

async function renderRef(ctx: RouteContext, ref: string, sha: string) {
  return ctx.render.gitRef(ref, sha, (await ctx.git.objectType(sha)) ?? 'commit');
}

const getRef: Handler = async (ctx) => {
  const ref = fullRef(ctx.params.ref);
  const sha = ctx.params.ref.startsWith('refs/') ? null : await ctx.git.refTarget(ref);
  if (!sha) throw notFound();
  return ok(await renderRef(ctx, ref, sha));
};

const listMatchingRefs: Handler = async (ctx) => {
  const prefix = fullRef(ctx.params.ref);
  const refs = (await ctx.git.listRefs('refs/')).filter((r) => r.ref.startsWith(prefix));
  return ok(refs.map((r) => ctx.render.gitRef(r.ref, r.sha, r.type)));
};

async function requireObject(ctx: RouteContext, sha: string): Promise<string> {
  const type = await ctx.git.objectType(sha);
  if (!type || sha.length !== 40) throw unprocessable('Object does not exist');
  return type;
}

const createRef: Handler = async (ctx) => {
  const { ref, sha } = ctx.body as { ref: string; sha: string };
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
    throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
  }
  if (!(await ctx.git.isValidRefName(ref))) throw unprocessable(`${ref} is not a valid ref name.`);
  if (await ctx.git.refTarget(ref)) throw unprocessable('Reference already exists');
  const type = await requireObject(ctx, sha);
  await ctx.git.updateRef(ref, sha, '0'.repeat(40));
  await ctx.state.syncPullHeads();
  return {
    status: 201,
    body: ctx.render.gitRef(ref, sha, type),
    headers: { location: `${ctx.render.repoApi}/git/${ref}` },
  };
};

const updateRef: Handler = async (ctx) => {
  const ref = fullRef(ctx.params.ref);
  const { sha, force } = ctx.body as { sha: string; force?: boolean };
  const current = await ctx.git.refTarget(ref);
  if (!current) throw unprocessable('Reference does not exist');
  const type = await requireObject(ctx, sha);
  if (!force && !(await ctx.git.isAncestor(current, sha)))
    throw unprocessable('Update is not a fast forward');
  await ctx.git.updateRef(ref, sha, current);
  await ctx.state.syncPullHeads();
  return ok(ctx.render.gitRef(ref, sha, type));
};

const deleteRef: Handler = async (ctx) => {
  const ref = fullRef(ctx.params.ref);
  if (!(await ctx.git.refTarget(ref))) throw unprocessable('Reference does not exist');
  await ctx.git.deleteRef(ref);
  await ctx.state.syncPullHeads();
  return noContent();
};

function treeEntry(ctx: RouteContext, e: TreeEntry) {
  const kind = e.type === 'tree' ? 'trees' : e.type === 'blob' ? 'blobs' : 'commits';
  return {
    path: e.path,
    mode: e.mode,
    type: e.type,
    sha: e.sha,
    ...(e.size !== undefined ? { size: e.size } : {}),
    url: `${ctx.render.repoApi}/git/${kind}/${e.sha}`,
  };
}

async function renderTree(ctx: RouteContext, sha: string, recursive: boolean) {
  const entries = await ctx.git.lsTree(sha, { recursive });
  return {
    sha,
    url: `${ctx.render.repoApi}/git/trees/${sha}`,
    tree: entries.map((e) => treeEntry(ctx, e)),
    truncated: false,
  };
}

/** `tree_sha` may be a tree or commit sha or a branch name; `recursive` set to anything recurses. */
const getTree: Handler = async (ctx) => {
  const sha = await ctx.git.resolve(String(ctx.params.tree_sha), 'tree');
  if (!sha) throw notFound();
  return ok(await renderTree(ctx, sha, ctx.query.recursive !== undefined));
};

interface TreeInput {
  path: string;
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha?: string | null;
  content?: string;
}

/**
 * `POST /git/trees`: applies entries onto `base_tree` (paths may be nested: `a/b/c.yaml`);
 * `sha: null` deletes the path (a file or a whole folder).
 */
const createTree: Handler = async (ctx) => {
  const { tree: entries, base_tree } = ctx.body as { tree: TreeInput[]; base_tree?: string };
  let files = new Map<string, Omit<TreeEntry, 'path'>>();
  if (base_tree !== undefined) {
    const base = await ctx.git.resolve(base_tree, 'tree');
    if (!base || base_tree.length !== 40) throw unprocessable('base_tree is not a valid tree oid');
    files = await ctx.git.readTree(base);
  }
  for (const [index, e] of entries.entries()) {
    const field = `tree[${index}]`;
    if (
      !e.path ||
      e.path.split('/').some((s) => s === '' || s === '.' || s === '..' || s === '.git')
    ) {
      throw unprocessable(`${field}.path contains a malformed path component`);
    }
    if (e.content !== undefined && e.sha !== undefined) {
      throw unprocessable(`${field} may not specify both sha and content`);
    }
    if (e.mode === undefined || e.type === undefined)
      throw unprocessable(`${field} must specify mode and type`);
    for (const p of [...files.keys()])
      if (p === e.path || p.startsWith(`${e.path}/`)) files.delete(p);
    if (e.sha === null) continue;
    if (e.content !== undefined) {
      files.set(e.path, { mode: e.mode, type: 'blob', sha: await ctx.git.hashBlob(e.content) });
      continue;
    }
    const sha = e.sha ?? '';
    const type = await ctx.git.objectType(sha);
    if (e.type !== 'commit' && (type !== e.type || sha.length !== 40)) {
      throw unprocessable(`${field}.sha ${sha} is not a valid ${e.type}`);
    }
    if (e.type === 'tree') {
      for (const [p, sub] of await ctx.git.readTree(sha)) files.set(`${e.path}/${p}`, sub);
    } else {
      files.set(e.path, { mode: e.mode, type: e.type, sha });
    }
  }
  const sha = await ctx.git.writeTree(files);
  return {
    status: 201,
    body: await renderTree(ctx, sha, false),
    headers: { location: `${ctx.render.repoApi}/git/trees/${sha}` },
  };
};

const createCommit: Handler = async (ctx) => {
  const body = ctx.body as {
    message: string;
    tree: string;
    parents?: string[];
    author?: { name: string; email: string; date?: string };
    committer?: { name?: string; email?: string; date?: string };
  };
  if ((await ctx.git.objectType(body.tree)) !== 'tree' || body.tree.length !== 40) {
    throw unprocessable('Tree SHA does not exist');
  }
  for (const parent of body.parents ?? []) {
    if ((await ctx.git.objectType(parent)) !== 'commit' || parent.length !== 40) {
      throw unprocessable('Parent SHA does not exist or is not a commit object');
    }
  }
  const now = ctx.state.now();
  const me = ctx.state.signature(ctx.identity.login);
  const author = body.author ? { ...body.author, date: body.author.date ?? now } : me;
  const committer =
    body.committer?.name && body.committer.email
      ? { name: body.committer.name, email: body.committer.email, date: body.committer.date ?? now }
      : author;
  const sha = await ctx.git.commitTree({
    tree: body.tree,
    parents: body.parents ?? [],
    message: body.message,
    author,
    committer,
  });
  const commit = await ctx.git.readCommit(sha);
  return {
    status: 201,
    body: ctx.render.gitCommit(commit),
    headers: { location: `${ctx.render.repoApi}/git/commits/${sha}` },
  };
};

const getCommit: Handler = async (ctx) => {
  const sha = String(ctx.params.commit_sha);
  if ((await ctx.git.objectType(sha)) !== 'commit') throw notFound();
  return ok(ctx.render.gitCommit(await ctx.git.readCommit((await ctx.git.resolve(sha))!)));
};

const createBlob: Handler = async (ctx) => {
  const { content, encoding } = ctx.body as { content: string; encoding?: string };
  if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'base64') {
    throw unprocessable(`encoding must be either utf-8 or base64`);
  }
  const bytes =
    encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
  const sha = await ctx.git.hashBlob(bytes);
  return {
    status: 201,
    body: { url: `${ctx.render.repoApi}/git/blobs/${sha}`, sha },
    headers: { location: `${ctx.render.repoApi}/git/blobs/${sha}` },
  };
};

const getBlob: Handler = async (ctx) => {
  const sha = String(ctx.params.file_sha);
  if ((await ctx.git.objectType(sha)) !== 'blob') throw notFound();
  const bytes = await ctx.git.readBlob(sha);
  return ok({
    content: (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join(''),
    encoding: 'base64',
    url: `${ctx.render.repoApi}/git/blobs/${sha}`,
    sha,
    size: bytes.length,
    node_id: Buffer.from(`Blob:${sha}`).toString('base64'),
  });
};

export const gitDataRoutes: Record<string, Handler> = {
  'git/get-ref': getRef,
  'git/list-matching-refs': listMatchingRefs,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
  'git/delete-ref': deleteRef,
  'git/get-tree': getTree,
  'git/create-tree': createTree,
  'git/create-commit': createCommit,
  'git/get-commit': getCommit,
  'git/create-blob': createBlob,
  'git/get-blob': getBlob,
};

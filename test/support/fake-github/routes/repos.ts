import { posix } from 'node:path';
import type { TreeEntry } from '../git.js';
import { GitHubError, type Handler, notFound, ok, type RouteContext } from '../http.js';
import { encodePath } from '../shapes.js';
import type { Permission } from '../state.js';

const getRepository: Handler = async (ctx) => ok(ctx.render.repository());

// GitHub folds the fine-grained roles into the classic permission names.
const CLASSIC: Record<Permission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const getCollaboratorPermission: Handler = async (ctx) => {
  const user = ctx.state.requireUser(ctx.params.username);
  const permission = ctx.state.permissionOf(user.login);
  const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(permission);
  return ok({
    permission: CLASSIC[permission],
    role_name: permission,
    user: {
      ...ctx.render.user(user.login),
      permissions: {
        pull: rank >= 1,
        triage: rank >= 2,
        push: rank >= 3,
        maintain: rank >= 4,
        admin: rank >= 5,
      },
      role_name: permission,
    },
  });
};

function contentType(entry: TreeEntry): 'file' | 'dir' | 'symlink' | 'submodule' {
  if (entry.type === 'tree') return 'dir';
  if (entry.type === 'commit') return 'submodule';
  return entry.mode === '120000' ? 'symlink' : 'file';
}

function contentLinks(ctx: RouteContext, entry: TreeEntry, ref: string) {
  const self = `${ctx.render.repoApi}/contents/${encodePath(entry.path)}?ref=${encodeURIComponent(ref)}`;
  const git = `${ctx.render.repoApi}/git/${entry.type === 'tree' ? 'trees' : 'blobs'}/${entry.sha}`;
  const html = `${ctx.render.repoHtml}/${entry.type === 'tree' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${encodePath(entry.path)}`;
  const download =
    entry.type === 'blob'
      ? `${ctx.render.repoHtml}/raw/${encodeURIComponent(ref)}/${encodePath(entry.path)}`
      : null;
  return {
    name: posix.basename(entry.path),
    path: entry.path,
    sha: entry.sha,
    size: entry.size ?? 0,
    url: self,
    git_url: git,
    html_url: html,
    download_url: download,
    _links: { self, git, html },
  };
}

async function entryAt(
  ctx: RouteContext,
  commit: string,
  path: string,
): Promise<TreeEntry | undefined> {
  if (path === '' || path.split('/').some((s) => s === '' || s === '.' || s === '..'))
    return undefined;
  const [entry] = await ctx.git.lsTree(commit, { path });
  return entry?.path === path ? entry : undefined;
}

function wantsRaw(ctx: RouteContext): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ''));
}

/**
 * `GET /contents/{path}`. As documented by GitHub: a symlink whose target is a regular file of
 * the repository answers with *that file* (so the contents API alone cannot tell a symlink);
 * any other symlink answers `type: symlink` with its `target`.
 */
const getContent: Handler = async (ctx) => {
  const ref = ctx.query.ref ?? ctx.state.defaultBranch;
  const commit = await ctx.git.resolve(ref);
  if (!commit) throw new GitHubError(404, `No commit found for the ref ${ref}`);
  const path = String(ctx.params.path).replace(/^\/+|\/+$/g, '');
  let entry = await entryAt(ctx, commit, path);
  if (!entry) throw notFound();
  if (contentType(entry) === 'symlink') {
    const target = (await ctx.git.readBlob(entry.sha)).toString('utf8');
    const resolved = posix.normalize(posix.join(posix.dirname(entry.path), target));
    const followed =
      target.startsWith('/') || resolved.startsWith('..')
        ? undefined
        : await entryAt(ctx, commit, resolved);
    if (followed && contentType(followed) === 'file') {
      entry = followed;
    } else {
      if (wantsRaw(ctx)) return { status: 200, raw: Buffer.from(target) };
      return ok({ type: 'symlink', target, ...contentLinks(ctx, entry, ref) });
    }
  }
  const type = contentType(entry);
  if (type === 'dir') {
    const children = await ctx.git.lsTree(`${commit}:${entry.path}`);
    return ok(
      children.map((child) => {
        const full = { ...child, path: `${entry.path}/${child.path}` };
        return { type: contentType(full), ...contentLinks(ctx, full, ref) };
      }),
    );
  }
  if (type === 'submodule') {
    return ok({ type: 'submodule', submodule_git_url: '', ...contentLinks(ctx, entry, ref) });
  }
  const bytes = await ctx.git.readBlob(entry.sha);
  if (wantsRaw(ctx)) return { status: 200, raw: bytes };
  // GitHub wraps base64 at 60 characters per line.
  const content = (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join('');
  return ok({
    type: 'file',
    encoding: 'base64',
    content,
    ...contentLinks(ctx, { ...entry, size: bytes.length }, ref),
  });
};

export const repoRoutes: Record<string, Handler> = {
  'repos/get': getRepository,
  'repos/get-collaborator-permission-level': getCollaboratorPermission,
  'repos/get-content': getContent,
};

import type { Reply, RouteContext } from './http.js';

/**
 * Slices a list like GitHub does (`per_page` default 30, max 100; `page` from 1) and sets the
 * `Link` header with absolute URLs, which is what `octokit.paginate` follows.
 */
export async function paginate<T>(
  ctx: RouteContext,
  items: T[],
  render: (item: T) => unknown = (x) => x,
): Promise<Reply> {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30), 1), 100);
  const page = Math.max(Number(ctx.query.page ?? 1), 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const url = new URL(ctx.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    status: 200,
    // Only the requested page is rendered: rendering may cost git calls (patches).
    body: await Promise.all(slice.map(render)),
    ...(links.length ? { headers: { link: links.join(', ') } } : {}),
  };
}

import { SelScraperError } from '../errors.ts';
import { isHttpUrl } from '../http-url.ts';
import type { FetchedDocument, FetchRequest } from './http-client.ts';

const MAX_REDIRECTS = 5;
export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Sent only where the config names the origin, whatever else the source lists as its credentials. */
const ALWAYS_CREDENTIALS = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * Follows a request through its redirects, one hop at a time through `send` (which answers a
 * redirect with its `location` instead of following it), so each hop can be admitted on its own
 * (address policy, robots.txt, the host gate). Credentials go only to origins the request's
 * policy names (without a policy: the origin first asked), as curl and fetch drop them on a
 * redirect to another origin; URL user information is never sent.
 */
export async function followRedirects(req: FetchRequest, send: (hop: FetchRequest) => Promise<FetchedDocument>): Promise<FetchedDocument> {
  const firstOrigin = new URL(req.url).origin;
  let hop = forHop(req, withoutUserinfo(new URL(req.url)), firstOrigin);
  for (let count = 0; ; count++) {
    const doc = await send(hop);
    if (doc.location === undefined) return doc;
    if (count >= MAX_REDIRECTS) {
      throw new SelScraperError('ERR_FETCH', `too many redirects fetching ${req.url}`, { hint: `stopped after ${MAX_REDIRECTS} redirects` });
    }
    let next: URL;
    try {
      next = new URL(doc.location, hop.url);
    } catch {
      throw new SelScraperError('ERR_FETCH', `redirect to an invalid URL from ${hop.url}`);
    }
    if (!isHttpUrl(next)) {
      throw new SelScraperError('ERR_FETCH', `redirect to a non-http URL ${withoutUserinfo(next)} from ${hop.url}`);
    }
    const toGet = doc.status === 303 || ((doc.status === 301 || doc.status === 302) && hop.method === 'POST');
    const following: FetchRequest = { ...hop, ...(toGet ? { method: 'GET' as const } : {}) };
    if (toGet) delete following.body;
    hop = forHop(following, withoutUserinfo(next), firstOrigin);
  }
}

/** The request for one hop: its URL, and its headers less the credentials when that origin is not named. */
function forHop(req: FetchRequest, url: string, firstOrigin: string): FetchRequest {
  const named = req.policy ? req.policy.namesOrigin(url) : new URL(url).origin === firstOrigin;
  if (named || !req.headers) return { ...req, url };
  const dropped = new Set([...ALWAYS_CREDENTIALS, ...(req.credentialHeaders ?? []).map((h) => h.toLowerCase())]);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !dropped.has(name.toLowerCase())));
  return { ...req, url, headers };
}

function withoutUserinfo(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

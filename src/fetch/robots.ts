import { createRequire } from 'node:module';
import { describeError, SelScraperError, SiteUnreachableError } from '../errors.ts';
import type { UrlPolicy } from './address-policy.ts';
import { failedStatus } from './failed-status.ts';
import type { HttpClient } from './http-client.ts';

/** The part of robots-parser we use. */
interface RobotsTxt {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
}

// robots-parser is CommonJS (module.exports = function) with typings written as an ES default
// export, which TypeScript's nodenext resolution then types as the module object, not callable.
const parseRobotsTxt = createRequire(import.meta.url)('robots-parser') as (url: string, contents: string) => RobotsTxt;

/** Our product token in robots.txt `User-agent` lines (RFC 9309 §2.2.1), from USER_AGENT. */
const ROBOTS_TOKEN = 'sel-scraper';

/**
 * The product token of SEL's own Go scraper (`Togather-SEL-Scraper/0.1 (+https://togather.foundation; …)`),
 * which sel-scraper replaces: a site that blocked it by name did not mean to let its successor in.
 */
const SEL_ROBOTS_TOKEN = 'Togather-SEL-Scraper';

/**
 * Why a URL may not be fetched: the rules say so, robots.txt could not be read (so every page
 * counts as disallowed), or the site could not be reached at all (nor can its pages be).
 */
export type RefusalCause = 'rules' | 'unreadable' | 'unreachable';

export type RobotsVerdict = { allowed: true; crawlDelayMs?: number } | { allowed: false; cause: RefusalCause; reason: string };

type OriginRules =
  | { kind: 'allow-all' }
  | { kind: 'disallow-all'; cause: Exclude<RefusalCause, 'rules'>; reason: string }
  | { kind: 'rules'; robotsUrl: string; robot: RobotsTxt; groups: ReadonlySet<string> };

export interface RobotsPolicyOptions {
  /** Fetches robots.txt files; retries belong to it, not to the policy. */
  http: HttpClient;
  token?: string;
  timeoutMs?: number;
}

/** RFC 9309 §2.5 asks parsers to read at least 500 KiB; a larger file is not a robots.txt we trust. */
const MAX_ROBOTS_BYTES = 512 * 1024;

/**
 * robots.txt per origin, fetched once per run and shared by every source on that origin
 * (RFC 9309): the groups naming our token or SEL's scraper's (else `*`) decide each URL, the
 * most restrictive of them winning (see `decide`); a missing file (4xx) allows
 * everything; a file that cannot be read (5xx, 429, network, timeout) disallows everything,
 * since we cannot know what it says. With --fixtures, an unrecorded robots.txt counts as
 * missing: fixture sets record the pages a source reads, not necessarily the site's robots.txt.
 */
export class RobotsPolicy {
  /** Each origin's rules, as a promise while robots.txt is read, then as read: a page's check then waits on nothing, not even its signal. */
  private readonly origins = new Map<string, OriginRules | Promise<OriginRules>>();
  private readonly token: string;
  /** Sites whose robots.txt fetch got an answer (any status), and sites that could not be reached. */
  private readonly reach = { answered: 0, unreachable: 0 };

  constructor(private readonly options: RobotsPolicyOptions) {
    this.token = options.token ?? ROBOTS_TOKEN;
  }

  /**
   * `insecureTls`: the page is fetched without certificate checks (insecure_skip_verify), so is
   * its robots.txt. `policy`: the page's source config, whose address rules robots.txt obeys too.
   */
  async check(url: string, signal?: AbortSignal, insecureTls = false, policy?: UrlPolicy): Promise<RobotsVerdict> {
    const origin = new URL(url).origin;
    let entry = this.origins.get(origin);
    if (!entry) {
      const pending = this.load(origin, insecureTls, policy).then((loaded) => {
        this.origins.set(origin, loaded);
        return loaded;
      });
      this.origins.set(origin, pending);
      entry = pending;
    }
    const rules = entry instanceof Promise || signal?.aborted ? await untilAborted(Promise.resolve(entry), signal) : entry;
    if (rules.kind === 'allow-all') return { allowed: true };
    if (rules.kind === 'disallow-all') return { allowed: false, cause: rules.cause, reason: rules.reason };
    return decide(rules, url, this.token);
  }

  /** Whether every site asked about so far could not be reached (and there was one): offline, likely. */
  noSiteReached(): boolean {
    return this.reach.unreachable > 0 && this.reach.answered === 0;
  }

  /** Never rejects: whatever happens fetching robots.txt maps to a verdict for the origin. */
  private async load(origin: string, insecureTls: boolean, policy: UrlPolicy | undefined): Promise<OriginRules> {
    const rules = await this.fetchRules(origin, insecureTls, policy);
    if (rules.kind !== 'disallow-all') this.reach.answered++;
    else if (rules.cause === 'unreachable') this.reach.unreachable++;
    return rules;
  }

  private async fetchRules(origin: string, insecureTls: boolean, policy: UrlPolicy | undefined): Promise<OriginRules> {
    const robotsUrl = `${origin}/robots.txt`;
    try {
      const doc = await this.options.http.fetchDocument({
        url: robotsUrl,
        timeoutMs: this.options.timeoutMs ?? 10_000,
        maxBodyBytes: MAX_ROBOTS_BYTES,
        headers: { accept: 'text/plain,*/*;q=0.5' },
        ...(insecureTls ? { insecureTls } : {}),
        ...(policy ? { policy } : {}),
      });
      // Rules apply to the origin asked about, even when robots.txt redirected elsewhere.
      return { kind: 'rules', robotsUrl, robot: parseRobotsTxt(robotsUrl, doc.text), groups: namedGroups(doc.text) };
    } catch (error) {
      if (error instanceof SelScraperError && error.code === 'ERR_FIXTURE_MISSING') return { kind: 'allow-all' };
      if (error instanceof SiteUnreachableError) return { kind: 'disallow-all', cause: 'unreachable', reason: error.reason };
      const status = failedStatus(error);
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) return { kind: 'allow-all' };
      return {
        kind: 'disallow-all',
        cause: 'unreadable',
        reason: `${robotsUrl} could not be read (${describeError(error)}), so every page of ${origin} counts as disallowed (RFC 9309)`,
      };
    }
  }
}

/**
 * The verdict of the groups that name us: ours and SEL's scraper's (a site that wrote rules for
 * either meant them for this crawler), else `*`. A named group is more specific than `*`, so it
 * wins over it either way; between the two named groups the more restrictive wins: a path
 * either disallows is refused, and the longer Crawl-delay applies.
 */
function decide(rules: Extract<OriginRules, { kind: 'rules' }>, url: string, token: string): RobotsVerdict {
  const named = [token, SEL_ROBOTS_TOKEN].filter((t) => rules.groups.has(t.toLowerCase()));
  const deciding = named.length > 0 ? named : [token];
  const refusing = deciding.find((t) => rules.robot.isAllowed(url, t) === false);
  if (refusing) {
    const whose = refusing === SEL_ROBOTS_TOKEN ? " (SEL's own scraper, which sel-scraper replaces)" : '';
    return { allowed: false, cause: 'rules', reason: `${rules.robotsUrl} disallows "${refusing}"${whose} from ${new URL(url).pathname}` };
  }
  const delaySeconds = Math.max(0, ...deciding.map((t) => rules.robot.getCrawlDelay(t) ?? 0));
  return delaySeconds > 0 ? { allowed: true, crawlDelayMs: delaySeconds * 1000 } : { allowed: true };
}

/** User-agent names that have a group in the file, lower-cased and cut at "/", as robots-parser keys them. */
function namedGroups(text: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^\s*user-agent\s*:\s*([^#\r\n]*)/gim)) {
    const name = (match[1] ?? '').toLowerCase().split('/')[0]?.trim();
    if (name) names.add(name);
  }
  return names;
}

/** Waits for `promise`, unless `signal` aborts first: the shared fetch goes on for other sources. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

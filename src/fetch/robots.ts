import { createRequire } from 'node:module';
import { describeError, SelScraperError } from '../errors.ts';
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
export const ROBOTS_TOKEN = 'sel-scraper';

export type RobotsVerdict = { allowed: true; crawlDelayMs?: number } | { allowed: false; reason: string };

type OriginRules =
  | { kind: 'allow-all' }
  | { kind: 'disallow-all'; reason: string }
  | { kind: 'rules'; robotsUrl: string; robot: RobotsTxt };

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
 * (RFC 9309): rules for our token (else `*`) decide each URL; a missing file (4xx) allows
 * everything; a file that cannot be read (5xx, 429, network, timeout) disallows everything,
 * since we cannot know what it says. With --fixtures, an unrecorded robots.txt counts as
 * missing: fixture sets record the pages a source reads, not necessarily the site's robots.txt.
 */
export class RobotsPolicy {
  private readonly origins = new Map<string, Promise<OriginRules>>();
  /** Rules already read: a page's check then waits on nothing, not even its signal. */
  private readonly known = new Map<string, OriginRules>();
  private readonly token: string;

  constructor(private readonly options: RobotsPolicyOptions) {
    this.token = options.token ?? ROBOTS_TOKEN;
  }

  /**
   * `insecureTls`: the page is fetched without certificate checks (insecure_skip_verify), so is
   * its robots.txt. `policy`: the page's source config, whose address rules robots.txt obeys too.
   */
  async check(url: string, signal?: AbortSignal, insecureTls = false, policy?: UrlPolicy): Promise<RobotsVerdict> {
    const origin = new URL(url).origin;
    let pending = this.origins.get(origin);
    if (!pending) {
      pending = this.load(origin, insecureTls, policy).then((loaded) => {
        this.known.set(origin, loaded);
        return loaded;
      });
      this.origins.set(origin, pending);
    }
    const known = this.known.get(origin);
    const rules = known && !signal?.aborted ? known : await untilAborted(pending, signal);
    if (rules.kind === 'allow-all') return { allowed: true };
    if (rules.kind === 'disallow-all') return { allowed: false, reason: rules.reason };
    if (rules.robot.isAllowed(url, this.token) === false) {
      const path = new URL(url).pathname;
      return { allowed: false, reason: `${rules.robotsUrl} disallows "${this.token}" from ${path}` };
    }
    const delaySeconds = rules.robot.getCrawlDelay(this.token);
    return typeof delaySeconds === 'number' && delaySeconds > 0 ? { allowed: true, crawlDelayMs: delaySeconds * 1000 } : { allowed: true };
  }

  /** Never rejects: whatever happens fetching robots.txt maps to a verdict for the origin. */
  private async load(origin: string, insecureTls: boolean, policy: UrlPolicy | undefined): Promise<OriginRules> {
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
      return { kind: 'rules', robotsUrl, robot: parseRobotsTxt(robotsUrl, doc.text) };
    } catch (error) {
      if (error instanceof SelScraperError && error.code === 'ERR_FIXTURE_MISSING') return { kind: 'allow-all' };
      const status = failedStatus(error);
      if (status !== undefined && status >= 400 && status < 500 && status !== 429) return { kind: 'allow-all' };
      return { kind: 'disallow-all', reason: `${robotsUrl} could not be read (${describeError(error)}), so every page of ${origin} counts as disallowed (RFC 9309)` };
    }
  }
}

/** Waits for `promise`, unless `signal` aborts first: the shared fetch goes on for other sources. */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

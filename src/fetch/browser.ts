import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import type { Env } from '../config/run-config.ts';
import { describeError } from '../errors.ts';
import type { BrowserGate } from './polite-http-client.ts';

/** Where Debian, Ubuntu and Google's packages put the binary; the first that exists is used. */
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const LAUNCH_TIMEOUT_MS = 30_000;

/** Pages rendering at once when `--browser-pages` is not given. */
export const DEFAULT_BROWSER_PAGES = 4;

/** How to turn rendering on, for the warnings of runs that have no browser. */
const ENABLE_RENDERING_HINT = 'set SEL_CHROMIUM_PATH to a Chromium or Chrome binary, or install chromium';

/** Why this run has no browser, and what to do about it, from the environment it was given. */
export function renderingHint(env: Env | undefined): string {
  const configured = env?.SEL_CHROMIUM_PATH?.trim();
  if (configured && !existsSync(configured)) {
    return `SEL_CHROMIUM_PATH is "${configured}", which does not exist: point it at a Chromium or Chrome binary, or unset it to use the system Chromium`;
  }
  return `no Chromium was found (or the pages are replayed from --fixtures, which are never rendered): ${ENABLE_RENDERING_HINT}`;
}

/**
 * A browser error as one report line: Playwright colours its messages and appends a multi-line
 * call log (and a launch failure Chromium's whole stderr); only the first line says what failed.
 */
export function describeBrowserError(error: unknown): string {
  // eslint-disable-next-line no-control-regex
  const text = describeError(error).replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
  return line.trim();
}

export interface HeadlessBrowserOptions {
  /** The run's robots.txt verdict and per-host turn, asked before a source's browser starts and before every navigation. */
  gate: BrowserGate;
  /** Pages rendering at once across the run (--browser-pages), whatever the number of sources read at once. */
  pages: number;
  /** Starts Chromium; the default is playwright-core's launch of `executablePath`. */
  launch?: (executablePath: string) => Promise<Browser>;
}

/**
 * The run's Chromium: found up front, started only when a tier 2 source is read, shared by
 * every source (each gets its own context), closed once by whoever made it.
 */
export interface HeadlessBrowser {
  /** The binary that will be started. */
  readonly executablePath: string;
  readonly gate: BrowserGate;
  /**
   * A context for one source, once one of the run's page slots is free; the slot is freed when
   * the context closes. A failed start of Chromium is reported to every caller.
   */
  openContext(options: BrowserContextOptions, signal?: AbortSignal): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * SEL_CHROMIUM_PATH when set (and then only it, so a wrong path is not silently replaced by
 * another browser), else the first system Chromium that exists.
 */
export function locateChromium(env: Env, exists: (path: string) => boolean = existsSync): string | undefined {
  const configured = env.SEL_CHROMIUM_PATH?.trim();
  if (configured) return exists(configured) ? configured : undefined;
  return CHROMIUM_CANDIDATES.find((candidate) => exists(candidate));
}

/** Starts the system Chromium through playwright-core, imported here so runs without tier 2 sources never load it. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  // Playwright gives every launch a fresh temporary profile and removes it on close.
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS });
}

/** The run's browser, or undefined when this machine has none: tier 2 then reads static HTML where it can. */
export function createHeadlessBrowser(env: Env, options: HeadlessBrowserOptions): HeadlessBrowser | undefined {
  const executablePath = locateChromium(env);
  if (!executablePath) return undefined;
  const launch = options.launch ?? launchChromium;
  const slots = new PageSlots(options.pages);
  let launching: Promise<Browser> | undefined;
  return {
    executablePath,
    gate: options.gate,
    async openContext(contextOptions, signal) {
      const release = await slots.acquire(signal);
      try {
        launching ??= launch(executablePath);
        const context = await (await launching).newContext(contextOptions);
        context.once('close', release);
        return context;
      } catch (error) {
        release();
        throw error;
      }
    },
    async close() {
      if (!launching) return;
      const started = launching;
      launching = undefined;
      try {
        await (await started).close();
      } catch {
        // A browser that never started has nothing to close; its error was reported to the readers.
      }
    },
  };
}

/** A counting semaphore whose waiters leave the queue when their signal aborts. */
class PageSlots {
  private free: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  /** Resolves with the release of the slot taken; releasing twice frees one slot only. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.free++;
    };
    if (this.free > 0) {
      this.free--;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.splice(this.waiters.indexOf(turn), 1);
        reject(signal?.reason as Error);
      };
      const turn = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(release);
      };
      this.waiters.push(turn);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

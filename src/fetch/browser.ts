import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Env } from '../config/run-config.ts';

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

/** How to turn rendering on, for the warnings of runs that have no browser. */
export const ENABLE_RENDERING_HINT = 'set SEL_CHROMIUM_PATH to a Chromium or Chrome binary, or install chromium';

/**
 * The run's Chromium: found up front, started only when a tier 2 source is read, shared by
 * every source (each gets its own context), closed once by whoever made it.
 */
export interface HeadlessBrowser {
  /** The binary that will be started. */
  readonly executablePath: string;
  /** Starts Chromium on first use; a failed start is reported to every caller. */
  browser(): Promise<Browser>;
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

/** The run's browser, or undefined when this machine has none: tier 2 then reads static HTML. */
export function createHeadlessBrowser(env: Env): HeadlessBrowser | undefined {
  const executablePath = locateChromium(env);
  if (!executablePath) return undefined;
  let launching: Promise<Browser> | undefined;
  return {
    executablePath,
    browser() {
      // Imported here so runs without tier 2 sources never load playwright-core.
      launching ??= import('playwright-core').then(({ chromium }) =>
        // Playwright gives every launch a fresh temporary profile and removes it on close.
        chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 }),
      );
      return launching;
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

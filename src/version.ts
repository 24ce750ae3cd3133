import { readFileSync } from 'node:fs';

/** Read once from package.json so the User-Agent and --version never drift from the release. */
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  homepage: string;
};

export const VERSION = packageJson.version;
const PROJECT_URL = packageJson.homepage;
export const USER_AGENT = `sel-scraper/${VERSION} (+${PROJECT_URL})`;

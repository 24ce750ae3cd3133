import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MockAgent } from 'undici';
import { describeError, SelScraperError } from '../errors.ts';

/** One recorded answer; `body` is a file path relative to the manifest. */
export interface Recording {
  method?: 'GET' | 'POST';
  url: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export const MANIFEST_NAME = 'recordings.json';

/**
 * A dispatcher that answers only from recorded responses and refuses everything else, so an
 * offline run can never reach the network by accident. Built on undici's own MockAgent.
 */
export async function createFixtureDispatcher(dir: string): Promise<MockAgent> {
  const manifestPath = path.join(dir, MANIFEST_NAME);
  let recordings: Recording[];
  try {
    recordings = (JSON.parse(await readFile(manifestPath, 'utf8')) as { recordings: Recording[] }).recordings;
  } catch (error) {
    throw new SelScraperError('ERR_USAGE', `cannot read fixture manifest ${manifestPath}: ${describeError(error)}`, {
      hint: `--fixtures expects a folder with a ${MANIFEST_NAME} listing the recorded responses`,
      cause: error,
    });
  }
  const agent = new MockAgent({ connections: 1 });
  agent.disableNetConnect();
  for (const recording of recordings) {
    const url = new URL(recording.url);
    const body = recording.body ? await readFile(path.join(dir, recording.body)) : Buffer.alloc(0);
    agent
      .get(url.origin)
      .intercept({ path: url.pathname + url.search, method: recording.method ?? 'GET' })
      .reply(recording.status ?? 200, body, { headers: recording.headers ?? {} })
      .persist();
  }
  return agent;
}

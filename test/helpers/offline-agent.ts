import { MockAgent } from 'undici';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh undici MockAgent for each test that refuses any request without an interceptor, so a
 * test can never reach the network; closed after the test. Returns a getter for the current one.
 */
export function useOfflineAgent(): () => MockAgent {
  let agent: MockAgent | undefined;
  beforeEach(() => {
    agent = new MockAgent();
    agent.disableNetConnect();
  });
  afterEach(async () => {
    await agent?.close();
  });
  return () => {
    if (!agent) throw new Error('useOfflineAgent: no agent outside a test');
    return agent;
  };
}

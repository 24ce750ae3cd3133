import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminHttpKeyStore } from '../../src/keys/admin-http-store.ts';
import { HostileServer } from '../helpers/hostile-server.ts';

// The admin HTTP key store against a server on 127.0.0.1 that exchanges the key normally, then
// misbehaves on the admin routes.
const ADMIN_KEY = 'AdminKey_0123456789abcdefghijklmnopqrstuvwx';

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function connect(onAdminRoute: (req: IncomingMessage, res: ServerResponse, server: HostileServer) => void | Promise<void>, timeoutMs = 10_000) {
  server = await new HostileServer((req, res, self) => {
    if (req.url === '/api/v1/auth/token')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'jwt', expires_at: '2030-01-01T00:00:00Z' }));
    return onAdminRoute(req, res, self);
  }).start();
  return AdminHttpKeyStore.connect({
    serverUrl: server.url,
    adminKey: ADMIN_KEY,
    fetch: (url, init) => fetch(url, init),
    exchangeToken: async () => ({ role: 'admin', token: 'jwt' }),
    userAgent: 'test',
    timeoutMs,
  });
}

describe('AdminHttpKeyStore bounds', () => {
  it('refuses a key list larger than the cap with a clear error', async () => {
    const store = await connect((_req, res, self) => self.huge(res, 64 * 1024 * 1024));
    await expect(store.list()).rejects.toMatchObject({
      code: 'ERR_SERVER_RESPONSE',
      message: `the SEL server's answer to GET ${server!.url}/api/v1/admin/api-keys is larger than 4 MiB`,
    });
  });

  it('gives up on an admin route that does not answer within the timeout', async () => {
    const store = await connect((_req, res) => {
      const timer = setTimeout(() => res.end('{"items":[]}'), 3_000);
      res.on('close', () => clearTimeout(timer));
    }, 250);
    await expect(store.list()).rejects.toMatchObject({
      code: 'ERR_KEY_STORE',
      message: `cannot reach the SEL server at ${server!.url} to list keys: no answer within 0.25 s`,
    });
  });

  it('gives up on an admin answer that trickles past the timeout', async () => {
    const store = await connect((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"items":[');
      const timer = setInterval(() => res.write(' '), 20);
      const stop = setTimeout(() => res.end(']}'), 3_000);
      res.on('close', () => {
        clearInterval(timer);
        clearTimeout(stop);
      });
    }, 250);
    await expect(store.list()).rejects.toMatchObject({
      code: 'ERR_KEY_STORE',
      message: `the SEL server at ${server!.url} did not finish its answer to list keys: no answer within 0.25 s`,
    });
  });
});

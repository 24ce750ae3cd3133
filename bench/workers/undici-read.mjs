// The floor: undici alone reading the same pages at the same concurrency, bodies read as text
// and dropped. No contender can be faster than this on the same machine.
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

const input = JSON.parse(process.argv[2]);
const dispatcher = new Agent({ connections: 8 });

async function readAll(urls) {
  let next = 0;
  let pages = 0;
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++];
      const response = await request(url, { dispatcher });
      await response.body.text();
      if (response.statusCode === 200) pages++;
    }
  };
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  return pages;
}

if (input.warmUrls.length > 0) await readAll(input.warmUrls);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const pages = await readAll(input.measureUrls);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await dispatcher.close();
process.stdout.write(
  JSON.stringify({
    pages,
    failed: input.measureUrls.length - pages,
    events: 0,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRss: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);

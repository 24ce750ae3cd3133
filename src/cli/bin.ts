import { systemClock } from '../clock.ts';
import { SharedTerminal } from '../report/terminal.ts';
import { invokedCommand } from './command-name.ts';
import { main } from './main.ts';

// A run's live progress view draws on it; the notice below goes through that view.
const terminal = process.stderr.isTTY ? new SharedTerminal(process.stderr) : undefined;
const controller = new AbortController();
let interrupts = 0;
// SIGTERM (cron, CI runners, `docker stop`, systemd) stops as cleanly as Ctrl-C: what is in
// flight is confirmed or journalled, and the summary is printed.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    const notice = `${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: finishing what is in flight (press Ctrl-C again to quit at once)`;
    if (terminal) terminal.print(notice);
    else process.stderr.write(`\n${notice}\n`);
    controller.abort(new Error('interrupted'));
  });
}

const exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
  signal: controller.signal,
  command: invokedCommand({ script: process.argv[1], env: process.env, cwd: process.cwd() }),
  ...(terminal ? { terminal } : {}),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
});
// Once main returns, the command's work is done and reported. What may still hold the event loop
// is work for no one, such as DNS lookups of unreachable hosts, which cannot be cancelled: with
// no network they held a run for 10 s and more past --timeout. Exit once the output is written.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(exitCode);

function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

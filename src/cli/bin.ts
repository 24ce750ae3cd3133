import { systemClock } from '../clock.ts';
import { main } from './main.ts';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write('\ninterrupted: finishing what is in flight (press Ctrl-C again to quit at once)\n');
  controller.abort(new Error('interrupted'));
});

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  clock: systemClock,
  signal: controller.signal,
});

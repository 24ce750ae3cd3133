// Preloaded with --import into a process under measurement: at exit it writes the process's
// own peak RSS and CPU time where the bench asked, so no external tool (/usr/bin/time) is needed.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}

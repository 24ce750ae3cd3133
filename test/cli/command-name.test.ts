import { describe, expect, it } from 'vitest';
import { asInvoked, invokedCommand } from '../../src/cli/command-name.ts';

describe('the command as the user ran it', () => {
  const PATH = '/usr/local/bin:/usr/bin';

  it('is `node <script>` relative to the working directory when run from a checkout', () => {
    expect(invokedCommand({ script: '/home/ana/sel-scraper/bin/sel-scraper', env: { PATH }, cwd: '/home/ana/sel-scraper' })).toBe('node bin/sel-scraper');
    expect(invokedCommand({ script: '/home/ana/sel-scraper/bin/sel-scraper', env: { PATH }, cwd: '/home/ana/sel-scraper/configs' })).toBe(
      'node ../bin/sel-scraper',
    );
  });

  it('is the absolute path when that is shorter, quoted when the shell needs it', () => {
    expect(invokedCommand({ script: '/opt/sel/bin/sel-scraper', env: { PATH }, cwd: '/home/ana/a/b/c/d' })).toBe('node /opt/sel/bin/sel-scraper');
    expect(invokedCommand({ script: '/opt/my tools/bin/sel-scraper', env: { PATH }, cwd: '/home/ana/a/b/c/d/e/f' })).toBe(
      "node '/opt/my tools/bin/sel-scraper'",
    );
  });

  it('is `sel-scraper` when the program was found on PATH (a global install, an npm script)', () => {
    expect(invokedCommand({ script: '/usr/local/bin/sel-scraper', env: { PATH }, cwd: '/srv' })).toBe('sel-scraper');
    expect(
      invokedCommand({
        script: '/srv/app/node_modules/.bin/sel-scraper',
        env: { PATH: `/srv/app/node_modules/.bin:${PATH}`, npm_command: 'run-script' },
        cwd: '/srv/app',
      }),
    ).toBe('sel-scraper');
  });

  it('is `npx sel-scraper` under npx', () => {
    expect(
      invokedCommand({
        script: '/var/cache/npm/_npx/07f6/node_modules/.bin/sel-scraper',
        env: { PATH, npm_command: 'exec', npm_lifecycle_event: 'npx' },
        cwd: '/srv',
      }),
    ).toBe('npx sel-scraper');
  });

  it('rewrites the commands a hint suggests, and nothing else named sel-scraper', () => {
    const hint = 'check it with `sel-scraper api-key check`; the site asks crawlers like sel-scraper not to read it; run sel-scraper scrape all --resume';
    expect(asInvoked(hint, 'node bin/sel-scraper')).toBe(
      'check it with `node bin/sel-scraper api-key check`; the site asks crawlers like sel-scraper not to read it; run node bin/sel-scraper scrape all --resume',
    );
    expect(asInvoked(hint, 'sel-scraper')).toBe(hint);
  });
});

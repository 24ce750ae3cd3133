import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-build.ts'],
    restoreMocks: true,
    unstubEnvs: true,
    unstubGlobals: true,
    // Measured on the 2-core build host: vitest's default (one worker on 2 cores, a fresh module
    // graph per file) spent ~58 s of CPU; reusing each worker's modules across files spends ~41 s.
    // Two workers keep both cores busy while one waits on a child process (Chromium, the CLI).
    maxWorkers: 2,
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

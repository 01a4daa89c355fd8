import { defineConfig } from 'vitest/config';

// `npm run test:peer`: the run against a real moto_server (test/peer/), in real time.
export default defineConfig({
  test: {
    include: ['test/peer/**/*.peer.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

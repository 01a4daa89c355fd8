import { defineConfig } from 'vitest/config';

// The product is what ships (src/, functions/); `npm run test:coverage:sim` reports the simulator apart.
const product = ['src/**/*.ts', 'functions/**/*.ts'];
const sim = ['sim/**/*.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The files of a worker share its modules: the SDK and the simulator are imported once, not
    // once per file (most of the suite's time when isolated). test/setup.ts fails a file that
    // leaves a cloud wired, fake timers installed or the stack's settings set.
    isolate: false,
    // …and a spy (vi.spyOn) never outlives its test.
    restoreMocks: true,
    coverage: {
      provider: 'v8',
      include: process.env.COVERAGE_OF === 'sim' ? sim : product,
      reporter: ['text-summary', 'html'],
      reportsDirectory: process.env.COVERAGE_OF === 'sim' ? 'coverage/sim' : 'coverage/product',
    },
  },
});

import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  pool: 'forks' as const,
  setupFiles: ['test/helpers/leak-guard.ts'],
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'all', include: ['test/**/*.test.ts'] } },
      {
        // The behaviour suites again, with every harness client pinned to MCP 2026-07-28 (the harness reads
        // RAYVISION_TEST_ERA): every tool, resource, prompt, completion, progress, cancellation and confirmation
        // is checked in both protocol eras. Subscriptions differ by era and have their own tests (eras.test.ts).
        test: {
          ...shared,
          name: '2026-07-28',
          include: ['test/tools-*.test.ts', 'test/workflows-*.test.ts', 'test/resources.test.ts', 'test/prompts.test.ts', 'test/cancellation.test.ts'],
          env: { RAYVISION_TEST_ERA: 'modern' },
        },
      },
    ],
  },
});

import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// End-to-end tests across all workspaces: real ptys, real brokers, real Chromium.
export default defineProject({
  ssr: { resolve: { conditions: ['@triporteur/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@triporteur/source', ...defaultServerConditions] },
  test: {
    name: 'e2e',
    include: ['*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // These tests start processes and brokers; running them one file at a time keeps a 2-core CI calm.
    fileParallelism: false,
  },
});

import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Resolve sibling workspaces to their TypeScript sources, so tests never run stale builds.
export default defineProject({
  ssr: { resolve: { conditions: ['@triporteur/source', ...defaultServerConditions] } },
  resolve: { conditions: ['@triporteur/source', ...defaultServerConditions] },
  test: {
    name: 'dashboard',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});

import { defineConfig } from 'vitest/config';

// One vitest project per workspace; each workspace's own vitest.config.ts says what it includes.
export default defineConfig({
  test: {
    projects: ['firmware-bridge', 'edge', 'dashboard', 'e2e'],
  },
});

import { workspaceProject } from '../vitest.workspace-project.js';

// End-to-end tests across all workspaces: real ptys, real brokers, real Chromium.
export default workspaceProject('e2e', {
  include: ['*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // These tests start processes and brokers; one file at a time keeps a 2-core CI calm.
  fileParallelism: false,
});

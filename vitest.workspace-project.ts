import { defaultServerConditions } from 'vite';
import { defineProject, type TestProjectInlineConfiguration } from 'vitest/config';

type TestOptions = NonNullable<TestProjectInlineConfiguration['test']>;

/**
 * The vitest project every workspace uses. Sibling workspaces resolve to their TypeScript sources
 * (the `@triporteur/source` export condition), so tests never run a stale build.
 */
export function workspaceProject(name: string, test: TestOptions = {}) {
  const conditions = ['@triporteur/source', ...defaultServerConditions];
  return defineProject({
    ssr: { resolve: { conditions } },
    resolve: { conditions },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...test,
    },
  });
}

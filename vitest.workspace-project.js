import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';
/**
 * The vitest project every workspace uses. Sibling workspaces resolve to their TypeScript sources
 * (the `@triporteur/source` export condition), so tests never run a stale build.
 */
export function workspaceProject(name, test = {}) {
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
//# sourceMappingURL=vitest.workspace-project.js.map
import { type TestProjectInlineConfiguration } from 'vitest/config';
type TestOptions = NonNullable<TestProjectInlineConfiguration['test']>;
/**
 * The vitest project every workspace uses. Sibling workspaces resolve to their TypeScript sources
 * (the `@triporteur/source` export condition), so tests never run a stale build.
 */
export declare function workspaceProject(name: string, test?: TestOptions): import("vitest/config").UserWorkspaceConfig;
export {};
//# sourceMappingURL=vitest.workspace-project.d.ts.map
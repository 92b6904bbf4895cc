import { workspaceProject } from '../vitest.workspace-project.js';

export default workspaceProject('dashboard');

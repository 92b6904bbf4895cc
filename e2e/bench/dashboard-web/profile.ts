/** The parts of a CDP `Profiler.Profile` this bench reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface FunctionCost {
  /** `name (file:line)`, the file without the origin. */
  where: string;
  /** Time with the function anywhere on the stack, ms. */
  inclusiveMs: number;
  /** Time in the function itself, ms. */
  selfMs: number;
}

function label(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.replace(/^[a-z]+:\/\/[^/]+/, '');
  return `${name} (${path}:${frame.lineNumber + 1})`;
}

/**
 * Where the sampled time went, by function: each sample's delta counted once for every distinct function
 * on its stack (inclusive) and for its leaf (self). Sorted by inclusive time, longest first.
 */
export function costsByFunction(profile: CpuProfile): FunctionCost[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const costs = new Map<string, { inclusive: number; self: number }>();
  const cost = (where: string) => {
    const found = costs.get(where) ?? { inclusive: 0, self: 0 };
    costs.set(where, found);
    return found;
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((leaf, i) => {
    // A sample's delta is the time since the previous one: it belongs to the sample it precedes.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leafNode = byId.get(leaf);
    if (!leafNode) return;
    cost(label(leafNode.callFrame)).self += ms;
    const onStack = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (node) onStack.add(label(node.callFrame));
    }
    for (const where of onStack) cost(where).inclusive += ms;
  });
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return [...costs.entries()]
    .map(([where, c]) => ({ where, inclusiveMs: round(c.inclusive), selfMs: round(c.self) }))
    .sort((a, b) => b.inclusiveMs - a.inclusiveMs);
}

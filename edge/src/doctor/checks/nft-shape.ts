import { isObject, nftEntries } from '../../hotspot/system/nft-json.js';

/**
 * The outline of an nftables table: named objects, and per chain its hook and how many rules it holds.
 * Enough to see a table edited by hand, a chain gone or an older edge's ruleset, without comparing
 * expressions, whose JSON form changes between nft versions. Set and map elements are live data
 * (accepted clients, per-client classes), so they are not part of the outline.
 */
export interface TableShape {
  counters: Set<string>;
  sets: Set<string>;
  maps: Set<string>;
  /** Chain name → its hook ("filter input accept") or "" for a regular chain, and its rule count. */
  chains: Map<string, { hook: string; rules: number }>;
}

const empty = (): TableShape => ({ counters: new Set(), sets: new Set(), maps: new Set(), chains: new Map() });

/** From renderRuleset's text: one object per `\t<kind> <name> {` line, one rule per line inside a chain. */
export function shapeOfRuleset(text: string): TableShape {
  const shape = empty();
  let chain: { hook: string; rules: number } | undefined;
  for (const line of text.split('\n')) {
    const head = /^\t(counter|set|map|chain) (\S+) \{/.exec(line);
    if (head) {
      const [, kind, name = ''] = head;
      if (kind === 'counter') shape.counters.add(name);
      else if (kind === 'set') shape.sets.add(name);
      else if (kind === 'map') shape.maps.add(name);
      else {
        chain = { hook: '', rules: 0 };
        shape.chains.set(name, chain);
      }
      continue;
    }
    if (line === '\t}') chain = undefined;
    else if (chain && line.startsWith('\t\t')) {
      const hook = /^\t\ttype (\w+) hook (\w+) priority [^;]+; policy (\w+);$/.exec(line);
      if (hook) chain.hook = `${hook[1]} ${hook[2]} ${hook[3]}`;
      else chain.rules += 1;
    }
  }
  return shape;
}

/** From `nft -j list table …` (libnftables JSON schema: one object per table item, rules carry their chain). */
export function shapeOfListing(stdout: string, fail: (what: string) => never): TableShape {
  const shape = empty();
  const rules: string[] = [];
  for (const entry of nftEntries(stdout, fail)) {
    const name = (item: unknown) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined);
    if (isObject(entry.counter)) addName(shape.counters, name(entry.counter), fail);
    else if (isObject(entry.set)) addName(shape.sets, name(entry.set), fail);
    else if (isObject(entry.map)) addName(shape.maps, name(entry.map), fail);
    else if (isObject(entry.chain)) {
      const chain = entry.chain;
      const chainName = name(chain) ?? fail('a chain without a name');
      const hook = typeof chain.hook === 'string' ? `${String(chain.type)} ${chain.hook} ${String(chain.policy)}` : '';
      shape.chains.set(chainName, { hook, rules: 0 });
    } else if (isObject(entry.rule)) {
      rules.push(typeof entry.rule.chain === 'string' ? entry.rule.chain : fail('a rule without its chain'));
    }
  }
  for (const chainName of rules) {
    const chain = shape.chains.get(chainName);
    if (chain) chain.rules += 1;
  }
  return shape;
}

function addName(into: Set<string>, name: string | undefined, fail: (what: string) => never): void {
  into.add(name ?? fail('an object without a name'));
}

/** What differs, one short phrase each, French; empty when the outlines match. */
export function shapeDifferences(expected: TableShape, actual: TableShape): string[] {
  const out: string[] = [];
  const compare = (what: string, want: Set<string>, have: Set<string>) => {
    const missing = [...want].filter((n) => !have.has(n));
    const extra = [...have].filter((n) => !want.has(n));
    if (missing.length > 0) out.push(`${what} manquant(e)s : ${missing.join(', ')}`);
    if (extra.length > 0) out.push(`${what} en trop : ${extra.join(', ')}`);
  };
  compare('compteurs', expected.counters, actual.counters);
  compare('ensembles', expected.sets, actual.sets);
  compare('tables de correspondance', expected.maps, actual.maps);
  compare('chaînes', new Set(expected.chains.keys()), new Set(actual.chains.keys()));
  for (const [name, want] of expected.chains) {
    const have = actual.chains.get(name);
    if (!have) continue;
    if (have.hook !== want.hook) out.push(`chaîne ${name} : accroche « ${have.hook} » au lieu de « ${want.hook} »`);
    if (have.rules !== want.rules) out.push(`chaîne ${name} : ${have.rules} règle(s) au lieu de ${want.rules}`);
  }
  return out;
}

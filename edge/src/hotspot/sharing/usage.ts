import { isIpv4 } from '../system/addresses.js';
import { type CommandRunner, runChecked } from '../system/command.js';
import { isObject, nftEntries } from '../system/nft-json.js';
import { TABLE_FAMILY, TABLE_NAME, USAGE_SETS } from '../system/ruleset.js';
import { SharingError, SharingErrorCode } from './errors.js';

/**
 * Each accepted resident's bytes as the kernel counted them: the ruleset's usage_up and usage_down sets
 * keep a counter per address (ruleset.ts). Read with `nft -j list set` (libnftables JSON schema 1,
 * nft 1.0.6: {"elem": {"val": "10.42.0.11", "counter": {"packets": n, "bytes": n}}}).
 */
export async function readUsage(runner: CommandRunner): Promise<Map<string, number>> {
  const [up, down] = await Promise.all(
    [USAGE_SETS.up, USAGE_SETS.down].map(async (name) => {
      const { stdout } = await runChecked(runner, 'nft', ['-j', 'list', 'set', TABLE_FAMILY, TABLE_NAME, name]);
      return parseUsageSet(stdout);
    }),
  );
  const total = new Map(up);
  for (const [ip, bytes] of down ?? []) total.set(ip, (total.get(ip) ?? 0) + bytes);
  return total;
}

function bad(what: string): never {
  throw new SharingError(SharingErrorCode.TOOL_OUTPUT, `unexpected nft JSON for a usage set: ${what}`);
}

/** One usage set's listing → bytes by address. */
export function parseUsageSet(stdout: string): Map<string, number> {
  const set = nftEntries(stdout, bad).find((entry) => isObject(entry.set))?.set;
  if (!isObject(set)) bad('no set in the listing');
  if (set.elem === undefined) return new Map();
  if (!Array.isArray(set.elem)) bad('elements are not a list');
  return new Map(set.elem.map(parseElement));
}

function parseElement(raw: unknown): [string, number] {
  const elem = isObject(raw) && isObject(raw.elem) ? raw.elem : bad('an element without its counter');
  const { val, counter } = elem;
  if (!isIpv4(val)) bad('an element that is not an IPv4 address');
  if (!isObject(counter)) bad('an element without a counter');
  const bytes = counter.bytes;
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) bad('a counter that is not a count');
  return [val, bytes];
}

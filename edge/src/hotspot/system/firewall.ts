import { isIpv4, normalizeMac } from './addresses.js';
import { type CommandRunner, checkResult, runChecked } from './command.js';
import { HotspotError, HotspotErrorCode } from './errors.js';
import { type AllowedElement, type ByteCounter, parseAllowedSet, parseCounters } from './nft-json.js';
import { ALLOWED_SET, COUNTERS, TABLE_FAMILY, TABLE_NAME } from './ruleset.js';

export type { AllowedElement, ByteCounter } from './nft-json.js';

/** A resident as the firewall knows it: the address and the MAC its DHCP lease binds together. */
export interface ClientAddress {
  ip: string;
  mac: string;
}

export interface HotspotCounters {
  residentsUp: ByteCounter;
  residentsDown: ByteCounter;
  staffUp: ByteCounter;
  staffDown: ByteCounter;
}

export interface ApplyOptions {
  /**
   * Keep the allowed set's elements (accepted clients) across the reload; the default. False replaces the
   * whole table, which a change of the set's own definition needs (nft refuses to redefine a set).
   */
  keepAllowed?: boolean;
}

/** Long enough for any session the config allows (a week); the kernel takes far longer timeouts. */
export const MAX_ELEMENT_TIMEOUT_S = 7 * 86_400;

const TABLE = `${TABLE_FAMILY} ${TABLE_NAME}`;
const SET = `${TABLE} ${ALLOWED_SET}`;

/**
 * The captive firewall, driven through `nft` over an injected CommandRunner. Every value that reaches
 * an nft command is validated here first: an IPv4 dotted quad, a MAC, an integer timeout, nothing else.
 */
export class Firewall {
  constructor(private readonly runner: CommandRunner) {}

  /** Parses and checks a ruleset in the kernel's eyes without changing anything (`nft -c`). */
  async check(ruleset: string): Promise<void> {
    await runChecked(this.runner, 'nft', ['-c', '-f', '-'], { input: ruleset });
  }

  /**
   * Loads a ruleset from renderRuleset in one transaction: either all of it is in force or none.
   * Only our table is flushed; other tables (iptables-nft, the distribution's) are never touched.
   */
  async apply(ruleset: string, options: ApplyOptions = {}): Promise<void> {
    const reset = options.keepAllowed === false ? `delete table ${TABLE}` : `flush table ${TABLE}`;
    await runChecked(this.runner, 'nft', ['-f', '-'], { input: `table ${TABLE}\n${reset}\n${ruleset}` });
  }

  /** Removes our table, if present; all clients lose access at once. */
  async remove(): Promise<void> {
    await runChecked(this.runner, 'nft', ['-f', '-'], { input: `table ${TABLE}\ndelete table ${TABLE}\n` });
  }

  /**
   * Puts a client in the allowed set with a fresh timeout (the idle timeout: the packet path then keeps
   * refreshing it). Re-allowing restarts its timeout and counter. Resolves once the kernel has it.
   */
  async allow(client: ClientAddress, timeoutS: number): Promise<void> {
    const element = elementOf(client);
    if (!Number.isInteger(timeoutS) || timeoutS < 1 || timeoutS > MAX_ELEMENT_TIMEOUT_S) {
      throw new HotspotError(HotspotErrorCode.BAD_INPUT, `timeout must be 1..${MAX_ELEMENT_TIMEOUT_S} whole seconds`);
    }
    const add = `add element ${SET} { ${element} timeout ${timeoutS}s }`;
    // The usual case, a new client: "create" fails if the element exists, and costs ~2 ms. A transaction
    // that deletes an element waits for the kernel to retire it (~15 ms), so only a re-allow pays that.
    const created = await this.runner.run('nft', ['-f', '-'], { input: `create${add.slice('add'.length)}\n` });
    if (created.code === 0) return;
    if (!/File exists/.test(created.stderr)) checkResult(created, 'nft', ['-f', '-'], { redact: true });
    // nft 1.0.6 has no "destroy": add (a no-op if present) then delete, so the final add is always new.
    const script = [...removal(element), add].join('\n');
    await runChecked(this.runner, 'nft', ['-f', '-'], { input: `${script}\n`, redact: true });
  }

  /** Takes every element with this address out of the set; resolves to how many there were. */
  async revoke(ip: string): Promise<number> {
    if (!isIpv4(ip)) throw new HotspotError(HotspotErrorCode.BAD_INPUT, 'not an IPv4 address');
    const elements = (await this.listAllowed()).filter((element) => element.ip === ip);
    if (elements.length === 0) return 0;
    // Add-then-delete again: an element the kernel expired since the listing must not fail the rest.
    const script = elements.flatMap((element) => removal(elementOf(element))).join('\n');
    await runChecked(this.runner, 'nft', ['-f', '-'], { input: `${script}\n`, redact: true });
    return elements.length;
  }

  /** The set as the kernel holds it now: expired clients are already gone. */
  async listAllowed(): Promise<AllowedElement[]> {
    const { stdout } = await runChecked(this.runner, 'nft', [
      '-j',
      'list',
      'set',
      TABLE_FAMILY,
      TABLE_NAME,
      ALLOWED_SET,
    ]);
    return parseAllowedSet(stdout);
  }

  /** Bytes and packets through the Pi since the table was created (a flush by apply keeps them). */
  async counters(): Promise<HotspotCounters> {
    const { stdout } = await runChecked(this.runner, 'nft', [
      '-j',
      'list',
      'counters',
      'table',
      TABLE_FAMILY,
      TABLE_NAME,
    ]);
    const counters = parseCounters(stdout);
    const read = (name: string): ByteCounter => {
      const counter = counters.get(name);
      if (!counter)
        throw new HotspotError(HotspotErrorCode.NFT_OUTPUT, `counter ${name} missing: is the ruleset applied?`);
      return counter;
    };
    return {
      residentsUp: read(COUNTERS.residentsUp),
      residentsDown: read(COUNTERS.residentsDown),
      staffUp: read(COUNTERS.staffUp),
      staffDown: read(COUNTERS.staffDown),
    };
  }
}

function elementOf(client: ClientAddress): string {
  const mac = normalizeMac(client.mac);
  if (!isIpv4(client.ip) || mac === undefined) {
    throw new HotspotError(HotspotErrorCode.BAD_INPUT, 'a client needs an IPv4 dotted quad and a colon-separated MAC');
  }
  return `${client.ip} . ${mac}`;
}

function removal(element: string): string[] {
  return [`add element ${SET} { ${element} timeout 1s }`, `delete element ${SET} { ${element} }`];
}

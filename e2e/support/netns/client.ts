import { HarnessError } from './errors.js';
import { type Cleanup, Namespace } from './namespace.js';
import { apPortName, PLAN } from './plan.js';
import { type ManagedProcess, runCommand } from './run.js';
import type { HarnessScripts } from './scripts.js';

export interface Lease {
  ip: string;
  prefix: number;
  router?: string;
  dns: string[];
  leaseSeconds?: number;
  /** DHCP option 114 (RFC 8910) decoded, when the server sent it. */
  captivePortalApi?: string;
}

export interface DhcpOptions {
  timeoutMs?: number;
  /** Seconds between DISCOVERs (udhcpc -T); phones retry on the order of a second or a few. */
  retryEverySeconds?: number;
}

export interface DhcpResult {
  lease: Lease;
  /** From the start of udhcpc to the address, route and DNS being in place. */
  ms: number;
  /**
   * DHCPNAKs before the lease. With --no-ping, dnsmasq does not hold an offered address, so two
   * clients starting together can be offered the same one; the loser is NAKed and busybox udhcpc
   * then sleeps 3 s before it starts over.
   */
  naks: number;
}

export interface ClientFiles {
  dir: string;
  resolvFile: string;
  scripts: HarnessScripts;
  /** The harness CA, which the probe sequences trust for HTTPS. */
  caFile: string;
}

/**
 * A phone-like client: its own namespace with one interface (wlan0) on the AP's bridge. Every
 * command runs with the client's private resolv.conf in place of /etc/resolv.conf, so getaddrinfo,
 * curl, Node and Chromium all ask the DNS server the DHCP lease named, as a phone would.
 */
export class Client extends Namespace {
  readonly iface = PLAN.client.iface;
  /** This client's port on the AP's bridge, inside the AP namespace. */
  readonly apPort: string;
  lease: Lease | undefined;
  private udhcpc: ManagedProcess | undefined;

  constructor(
    name: string,
    readonly index: number,
    readonly files: ClientFiles,
    cleanup: Cleanup,
  ) {
    super(name, cleanup, ['/bin/sh', files.scripts.withResolv, files.resolvFile]);
    this.apPort = apPortName(index);
  }

  /**
   * Starts busybox udhcpc on wlan0 (it keeps running and renews, like a phone) and resolves once
   * the address, route and DNS are in place. `ms` counts from the start of udhcpc.
   */
  async dhcp(options: DhcpOptions = {}): Promise<DhcpResult> {
    if (this.udhcpc?.running) throw new HarnessError('E2E_NETNS_BAD_OPTION', `${this.name}: DHCP already running`);
    const started = performance.now();
    const udhcpc = this.spawnRaw('udhcpc', 'busybox', [
      'udhcpc',
      '-f',
      '-i',
      this.iface,
      '-s',
      this.files.scripts.udhcpc,
      '-t',
      '20',
      '-T',
      String(options.retryEverySeconds ?? 1),
      '-A',
      '1',
      '-O',
      '114',
    ]);
    this.udhcpc = udhcpc;
    udhcpc.onLine((line) => {
      const event = parseEvent(line);
      if (event?.name === 'deconfig') this.lease = undefined;
      if (event?.lease) this.lease = event.lease;
    });
    try {
      await udhcpc.waitForLine(/^udhcpc-event\tbound\t/, { timeoutMs: options.timeoutMs ?? 15_000 });
    } catch (error) {
      throw new HarnessError('E2E_NETNS_TIMEOUT', `${this.name}: no DHCP lease: ${udhcpc.tail()}`, { cause: error });
    }
    const ms = performance.now() - started;
    if (!this.lease) throw new HarnessError('E2E_NETNS_BAD_OUTPUT', `${this.name}: bound without a lease`);
    const naks = udhcpc.lines.filter((line) => line.startsWith('udhcpc-event\tnak\t')).length;
    return { lease: this.lease, ms, naks };
  }

  /** Stops udhcpc; with `release`, it first sends DHCPRELEASE and removes the address (SIGUSR2). */
  async stopDhcp(options: { release?: boolean } = {}): Promise<void> {
    const udhcpc = this.udhcpc;
    if (!udhcpc?.running) return;
    if (options.release) {
      const released = udhcpc.waitForLine(/^udhcpc-event\tdeconfig\t/, { fresh: true, timeoutMs: 5_000 });
      udhcpc.child.kill('SIGUSR2');
      await released;
    }
    await udhcpc.stop();
    this.udhcpc = undefined;
  }

  /** The global IPv6 address SLAAC gave wlan0 (from the AP's router advertisements). */
  async waitForIpv6(timeoutMs = 10_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const address = await this.globalIpv6();
      if (address) return address;
      if (performance.now() > deadline) {
        throw new HarnessError('E2E_NETNS_TIMEOUT', `${this.name}: no SLAAC address in ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async globalIpv6(): Promise<string | undefined> {
    const { stdout } = await runCommand('ip', ['-n', this.name, '-j', '-6', 'addr', 'show', 'dev', this.iface]);
    const links = JSON.parse(stdout) as { addr_info?: { local: string; scope: string; tentative?: boolean }[] }[];
    return links[0]?.addr_info?.find((info) => info.scope === 'global' && !info.tentative)?.local;
  }

  async mac(): Promise<string> {
    const { stdout } = await runCommand('ip', ['-n', this.name, '-j', 'link', 'show', 'dev', this.iface]);
    const address = (JSON.parse(stdout) as { address?: string }[])[0]?.address;
    if (!address) throw new HarnessError('E2E_NETNS_BAD_OUTPUT', `${this.name}: no MAC on ${this.iface}`);
    return address;
  }

  /** Spawns without the resolv.conf wrapper (udhcpc needs no DNS and writes the file itself). */
  private spawnRaw(label: string, file: string, args: string[]): ManagedProcess {
    return new Namespace(this.name, this.cleanup).spawn(label, file, args, {
      env: { ...process.env, RESOLV_FILE: this.files.resolvFile },
    });
  }
}

interface LeaseEvent {
  name: string;
  lease?: Lease;
}

/** Reads the script's line: `udhcpc-event <event> ip=… mask=… router=… dns=a,b lease=… opt114=…`. */
export function parseEvent(line: string): LeaseEvent | undefined {
  const [tag, name, ...pairs] = line.split('\t');
  if (tag !== 'udhcpc-event' || name === undefined) return undefined;
  const env = Object.fromEntries(
    pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  if ((name !== 'bound' && name !== 'renew') || !env.ip) return { name };
  const lease: Lease = {
    ip: env.ip,
    prefix: Number(env.mask || 24),
    dns: env.dns ? env.dns.split(',') : [],
  };
  if (env.router) lease.router = env.router.split(' ')[0];
  if (env.lease) lease.leaseSeconds = Number(env.lease);
  if (env.opt114) lease.captivePortalApi = decodeOption114(env.opt114);
  return { name, lease };
}

/** busybox passes options it has no name for as hex; option 114 is a plain URI string. */
function decodeOption114(value: string): string {
  return /^[0-9a-f]+$/i.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex').toString('utf8') : value;
}

import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCa, type TestCa } from '@triporteur/edge/testing';
import { Client } from './client.js';
import { HarnessError } from './errors.js';
import { Internet } from './internet.js';
import { newRunNames, type RunNames } from './names.js';
import { Cleanup, Namespace } from './namespace.js';
import { PLAN } from './plan.js';
import { mapLimit } from './run.js';
import { type HarnessScripts, writeHarnessScripts } from './scripts.js';
import { destroyNamespaces, destroyNamespacesSync, sweepStale } from './sweep.js';
import { addNamespaces, attachClients, buildCore, clientSysctls, raiseClientLinks } from './topology.js';

export interface HarnessOptions {
  /** Client namespaces created up front (more with addClients). */
  clients?: number;
  /** bridge-nf-call-iptables in the AP namespace; see topology.ts. Default false, as on a plain Pi. */
  bridgeNetfilter?: boolean;
}

export interface AddClientOptions {
  /** IPv6 on wlan0 (SLAAC from the AP's router advertisements). Default true, as on a phone. */
  ipv6?: boolean;
}

/** Harnesses not yet closed, for the synchronous cleanup at process exit. */
const open = new Set<Harness>();
process.on('exit', () => {
  for (const harness of open) harness.closeSync();
});

/**
 * The captive-portal test topology: an AP namespace (bridge for the residents, uplink to the
 * "4G router"), an internet namespace with the probe hosts, and phone-like client namespaces.
 * The AP starts empty: start the DHCP/DNS server, the firewall and the portal in it through
 * `harness.ap` (or `startBaselineAp` for plain routing). Always `close()` it, in a finally/afterAll.
 */
export class Harness {
  readonly clients: Client[] = [];
  readonly ap: Namespace;
  readonly plan = PLAN;
  private readonly namespaces: string[] = [];
  private internetServices: Internet | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly names: RunNames,
    /** This run's private temp dir (configs, leases, pid files); removed on close. */
    readonly dir: string,
    private readonly cleanup: Cleanup,
    readonly ca: TestCa,
    private readonly scripts: HarnessScripts,
    apResolvFile: string,
  ) {
    this.ap = new Namespace(names.ap, cleanup, ['/bin/sh', scripts.withResolv, apResolvFile]);
  }

  static async create(options: HarnessOptions = {}): Promise<Harness> {
    await sweepStale();
    const names = newRunNames();
    const dir = await mkdtemp(join(tmpdir(), names.tempPrefix));
    const cleanup = new Cleanup();
    let harness: Harness | undefined;
    try {
      const [ca, scripts] = await Promise.all([createTestCa(dir), writeHarnessScripts(dir)]);
      // What the Pi learns from the 4G router's DHCP: programs in the AP resolve through the router.
      const apResolvFile = join(dir, 'ap-resolv.conf');
      await writeFile(apResolvFile, `nameserver ${PLAN.internet.router4}\noptions timeout:1 attempts:2\n`);
      harness = new Harness(names, dir, cleanup, ca, scripts, apResolvFile);
      open.add(harness);
      await harness.build(options);
      return harness;
    } catch (error) {
      if (harness) await harness.close();
      else await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get internet(): Internet {
    if (!this.internetServices) throw new HarnessError('E2E_NETNS_CLOSED', 'internet not started');
    return this.internetServices;
  }

  private async build(options: HarnessOptions): Promise<void> {
    const inetNamespace = new Namespace(this.names.internet, this.cleanup);
    this.namespaces.push(this.names.ap, this.names.internet);
    await addNamespaces([this.names.ap, this.names.internet]);
    await buildCore(this.ap, inetNamespace, options.bridgeNetfilter ?? false);
    this.internetServices = await Internet.start(inetNamespace, this.dir, this.ca);
    if (options.clients) await this.addClients(options.clients);
  }

  /** Creates client namespaces on the AP's bridge; they have a link but no address until dhcp(). */
  async addClients(count: number, options: AddClientOptions = {}): Promise<Client[]> {
    this.cleanup.assertOpen('addClients');
    const first = this.clients.length + 1;
    if (count < 1 || first + count - 1 > PLAN.maxClients) {
      throw new HarnessError('E2E_NETNS_BAD_OPTION', `clients must stay within 1..${PLAN.maxClients}`);
    }
    const fresh = await Promise.all(Array.from({ length: count }, (_, offset) => this.prepareClient(first + offset)));
    this.namespaces.push(...fresh.map((client) => client.name));
    await addNamespaces(fresh.map((client) => client.name));
    const sysctls = clientSysctls(options.ipv6 ?? true);
    await mapLimit(fresh, 8, (client) => client.sysctl(sysctls));
    await attachClients(this.ap, fresh);
    await mapLimit(fresh, 8, (client) => raiseClientLinks(client.name));
    this.clients.push(...fresh);
    return fresh;
  }

  private async prepareClient(index: number): Promise<Client> {
    const name = this.names.client(index);
    const dir = join(this.dir, 'clients', name);
    await mkdir(dir, { recursive: true });
    const resolvFile = join(dir, 'resolv.conf');
    // Until a lease names a server, lookups go to the client's own loopback and fail at once.
    await writeFile(resolvFile, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    return new Client(name, index, { dir, resolvFile, scripts: this.scripts, caFile: this.ca.caFile }, this.cleanup);
  }

  /** Registers something else to undo on close (a browser, a server the test adopted). */
  onClose(closer: () => Promise<void>): void {
    this.cleanup.assertOpen('onClose');
    this.cleanup.closers.push(closer);
  }

  /** Every namespace this run created, in creation order. */
  namespaceNames(): string[] {
    return [...this.namespaces];
  }

  /**
   * Stops everything, deletes every namespace (their links go with them) and the temp dir. Safe to
   * call twice and after a failed create; errors are collected and thrown once all is done.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.cleanup.closed = true;
    const errors: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    };
    for (const closer of this.cleanup.closers.reverse()) await attempt(closer);
    await Promise.all([...this.cleanup.processes].map((child) => attempt(() => child.stop())));
    await attempt(() => destroyNamespaces(this.namespaces));
    await attempt(() => rm(this.dir, { recursive: true, force: true }));
    open.delete(this);
    if (errors.length > 0) throw new AggregateError(errors, `${this.names.stem}: cleanup failed`);
  }

  /** For process exit only: no awaiting possible, so kill and delete synchronously. */
  closeSync(): void {
    for (const child of this.cleanup.processes) child.child.kill('SIGKILL');
    destroyNamespacesSync(this.namespaces);
    rmSync(this.dir, { recursive: true, force: true });
    open.delete(this);
  }
}

export function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  return Harness.create(options);
}

/** Runs `fn` with a fresh harness and closes it whatever happens, the failing case included. */
export async function withHarness<T>(options: HarnessOptions, fn: (harness: Harness) => Promise<T>): Promise<T> {
  const harness = await createHarness(options);
  try {
    return await fn(harness);
  } finally {
    await harness.close();
  }
}

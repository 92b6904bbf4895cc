import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestCa } from '@triporteur/edge/testing';
import { INTERNET_HOSTS, ROUTER_ADMIN_PAGE } from './internet-hosts.js';
import type { Namespace } from './namespace.js';
import { PLAN } from './plan.js';
import type { ManagedProcess } from './run.js';

const SERVER_SCRIPT = new URL('./internet-server.mjs', import.meta.url).pathname;
const WAN_DOWN_TABLE = 'tpn_wan_down';

/** One request as the fake Internet saw it: after NAT, remoteAddress is the AP's uplink. */
export interface InternetRequest {
  at: number;
  scheme: 'http' | 'https';
  method: string;
  host: string;
  path: string;
  userAgent: string;
  remoteAddress: string;
  localAddress: string;
  status: number;
}

/** Addresses the internet namespace owns, for `ip addr add` (the router's LAN side is set by the topology). */
export function internetLoopbackAddresses(): string[] {
  const hosts = INTERNET_HOSTS.filter((host) => !host.dnsOnly);
  return [
    ...hosts.flatMap((host) => (host.ipv4 ? [`${host.ipv4}/32`] : [])),
    ...hosts.flatMap((host) => (host.ipv6 ? [`${host.ipv6}/128`] : [])),
    ...PLAN.internet.resolvers4.map((ip) => `${ip}/32`),
    `${PLAN.internet.resolver6}/128`,
  ];
}

/**
 * The "internet" namespace's services: a DNS server answering the probe hostnames (dnsmasq on the
 * router address and on the outside resolvers' addresses, nothing read from /etc) and the Node
 * web server for HTTP and HTTPS. Requests are recorded, so a test can prove nothing got out.
 */
export class Internet {
  private readonly log: InternetRequest[] = [];

  private constructor(
    readonly namespace: Namespace,
    readonly dns: ManagedProcess,
    readonly web: ManagedProcess,
  ) {
    web.onLine((line) => {
      if (!line.startsWith('{"request"')) return;
      this.log.push((JSON.parse(line) as { request: InternetRequest }).request);
    });
  }

  static async start(namespace: Namespace, dir: string, ca: TestCa): Promise<Internet> {
    const names = INTERNET_HOSTS.filter((host) => !host.dnsOnly).map((host) => host.name);
    const tls = await ca.issue('internet', names);
    const configFile = join(dir, 'internet-server.json');
    await writeFile(
      configFile,
      JSON.stringify({
        hosts: INTERNET_HOSTS,
        routerAddresses: [PLAN.internet.router4, PLAN.internet.router6],
        routerPage: ROUTER_ADMIN_PAGE,
        tls: { cert: tls.certFile, key: tls.keyFile },
        httpPort: 80,
        httpsPort: 443,
      }),
    );
    const web = namespace.spawn('web', process.execPath, [SERVER_SCRIPT, configFile]);
    const dns = namespace.spawn('dnsmasq', 'dnsmasq', dnsmasqArgs(dir));
    const internet = new Internet(namespace, dns, web);
    await Promise.all([web.waitForLine(/"ready":true/), dns.waitForLine(/started, version/)]);
    return internet;
  }

  /** Requests served so far (copies), oldest first. */
  requests(): InternetRequest[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  /**
   * The 4G link going down while the router stays up: the router still answers on its LAN address
   * (admin page), but everything beyond it, its DNS included, silently drops, as a dead mobile
   * link does. The portal must then say so and never fake a probe's success.
   */
  async setWan(up: boolean): Promise<void> {
    const { lan, router4, router6 } = PLAN.internet;
    if (up) {
      await this.namespace.exec('nft', ['delete', 'table', 'inet', WAN_DOWN_TABLE], { allowFailure: true });
      return;
    }
    await this.namespace.nft(`table inet ${WAN_DOWN_TABLE} {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "${lan}" udp dport 53 drop
    iifname "${lan}" tcp dport 53 drop
    iifname "${lan}" ip daddr != ${router4} drop
    iifname "${lan}" ip6 daddr != { ${router6}, fe80::/10, ff00::/8 } drop
  }
}
`);
  }

  /** The outside resolvers a phone may try on its own (Google, Quad9, Cloudflare). */
  get resolvers(): readonly string[] {
    return [...PLAN.internet.resolvers4, PLAN.internet.resolver6];
  }
}

function dnsmasqArgs(dir: string): string[] {
  const records = INTERNET_HOSTS.map(
    (host) => `--host-record=${[host.name, host.ipv4, host.ipv6].filter((part) => part !== undefined).join(',')}`,
  );
  const listen = [PLAN.internet.router4, PLAN.internet.router6, ...PLAN.internet.resolvers4, PLAN.internet.resolver6];
  return [
    // No /etc/dnsmasq.conf, no /etc/hosts, no /etc/resolv.conf: namespaces share /etc.
    '--conf-file=/dev/null',
    '--no-hosts',
    '--no-resolv',
    '--keep-in-foreground',
    '--log-facility=-',
    `--pid-file=${join(dir, 'internet-dnsmasq.pid')}`,
    '--bind-interfaces',
    `--listen-address=${listen.join(',')}`,
    // Authoritative for everything: names outside the table get NXDOMAIN, missing AAAA gets NODATA.
    '--local=/#/',
    // Real probe hosts carry TTLs of minutes; the AP's resolver may cache them as it would.
    '--local-ttl=60',
    ...records,
  ];
}

import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HotspotConfig } from '../../src/hotspot/config.js';
import { validateHotspotConfig } from '../../src/hotspot/config.js';
import { LEASE_EVENTS_ENV, renderDnsmasqConfig } from '../../src/hotspot/system/dnsmasq.js';
import { NetnsLab } from './hotspot-netns.js';

/**
 * A small stand-in for the tricycle, built from namespaces: `ap` is the Pi (residents on bridge br0 with
 * two client ports, staff on wlan0staff, uplink eth0 with IPv4 and IPv6), `inet` is the 4G router plus
 * the Internet behind it (router admin page at 192.168.8.1, a web server and a resolver at
 * 198.51.100.1), and `c1`, `c2`, `st` are two residents' phones and a staff tablet. The real dnsmasq
 * serves DHCP and DNS on the Pi from the rendered config; clients take leases with busybox udhcpc.
 * Nothing is sent anywhere but these namespaces.
 */

const HOOK = fileURLToPath(new URL('../../../hardware/hotspot/lease-hook.sh', import.meta.url));
export const INTERNET = '198.51.100.1';
export const ROUTER = '192.168.8.1';
export const PI_UPLINK = '192.168.8.2';
export const INTERNET_V6 = '2001:db8:8::1';
export const PI_RESIDENTS_V6 = '2001:db8:42::1';

/** Answers every request with "<label> <local address> <peer address>", on each port given. */
const HTTP_SERVER = `
const http = require('node:http');
const [label, ...ports] = process.argv.slice(1);
const plain = (a) => String(a).replace(/^::ffff:/, '');
let listening = 0;
for (const port of ports) {
  http.createServer((req, res) => {
    res.setHeader('connection', 'close');
    res.end(label + ' ' + plain(req.socket.localAddress) + ' ' + plain(req.socket.remoteAddress));
  }).listen(Number(port), '::', () => { if (++listening === ports.length) console.log('listening'); });
}`;

/** Prints how a TCP connect or a UDP datagram to host:port ends: connected/answered, or the errno. */
const PROBE = `
const [proto, host, port] = process.argv.slice(1);
const done = (what) => { console.log(what); process.exit(0); };
setTimeout(() => done('TIMEOUT'), 2500);
if (proto === 'tcp') {
  const s = require('node:net').connect(Number(port), host);
  s.on('connect', () => { s.destroy(); done('CONNECTED'); });
  s.on('error', (e) => done(e.code));
} else {
  const s = require('node:dgram').createSocket(host.includes(':') ? 'udp6' : 'udp4');
  s.on('error', (e) => done(e.code));
  s.on('message', () => done('ANSWERED'));
  s.connect(Number(port), host, () => { s.send(Buffer.from('probe')); setTimeout(() => s.send(Buffer.from('probe')), 200); });
}`;

const UDHCPC_SCRIPT = `#!/bin/sh
# busybox udhcpc hook for test clients: configure the link, record what DHCP gave, touch nothing in /etc.
case "$1" in
  bound | renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    ip route replace default via "$router" dev "$interface"
    printf '%s %s %s %s\\n' "$ip" "$router" "$dns" "\${opt114:--}" > "$LEASE_OUT"
    ;;
esac
`;

export interface DhcpResult {
  ip: string;
  router: string;
  dns: string;
  /** Option 114 as udhcpc reports an unknown option: hex, or '-' when the server sent none. */
  opt114: string;
}

export const MACS = { c1: '02:00:00:00:0c:01', c2: '02:00:00:00:0c:02', st: '02:00:00:00:05:01' } as const;

export class HotspotTopology {
  readonly lab = new NetnsLab();
  readonly ns = { ap: '', inet: '', c1: '', c2: '', st: '' };
  dir = '';
  config!: HotspotConfig;

  static async build(): Promise<HotspotTopology> {
    const topology = new HotspotTopology();
    try {
      await topology.setup();
    } catch (err) {
      await topology.cleanup();
      throw err;
    }
    return topology;
  }

  private async setup(): Promise<void> {
    const { lab, ns } = this;
    this.dir = await mkdtemp(join(tmpdir(), 'tpt-topology-'));
    for (const role of ['ap', 'inet', 'c1', 'c2', 'st'] as const) {
      ns[role] = await lab.add(role);
      // No duplicate address detection: link-local addresses would stay tentative for a second or two,
      // and IPv6 in the control test would fail for a reason that is not the ruleset's.
      await lab.sh(ns[role], 'sysctl', ['-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
    }

    this.config = validateHotspotConfig({
      residents: { interface: 'br0' },
      staff: { ssid: 'Equipe', passphrase: 'correct horse battery' },
      uplink: { interfaces: ['eth0'] },
      dns: { upstreamServers: [INTERNET] },
      portal: { hostname: 'wifi.example.org', tls: { certFile: '/unused.crt', keyFile: '/unused.key' } },
      paths: {
        leaseFile: join(this.dir, 'dnsmasq.leases'),
        leaseHook: HOOK,
        leaseEvents: join(this.dir, 'lease-events.jsonl'),
      },
    });

    const ap = (...args: string[]) => lab.sh(ns.ap, 'ip', args);
    // The Pi: a bridge for the residents (as hostapd would bridge wlan0), the staff BSS, the uplink.
    await ap('link', 'add', 'br0', 'type', 'bridge');
    await lab.veth({ ns: ns.ap, name: 'r1' }, { ns: ns.c1, name: 'wlan0' });
    await lab.veth({ ns: ns.ap, name: 'r2' }, { ns: ns.c2, name: 'wlan0' });
    await lab.veth({ ns: ns.ap, name: 'wlan0staff' }, { ns: ns.st, name: 'wlan0' });
    await lab.veth({ ns: ns.ap, name: 'eth0' }, { ns: ns.inet, name: 'eth0' });
    for (const port of ['r1', 'r2']) {
      await ap('link', 'set', port, 'master', 'br0');
      await ap('link', 'set', port, 'up');
    }
    await ap('addr', 'add', '10.42.0.1/24', 'dev', 'br0');
    await ap('addr', 'add', `${PI_RESIDENTS_V6}/64`, 'dev', 'br0', 'nodad');
    await ap('addr', 'add', '10.43.0.1/24', 'dev', 'wlan0staff');
    await ap('addr', 'add', `${PI_UPLINK}/24`, 'dev', 'eth0');
    await ap('addr', 'add', '2001:db8:8::2/64', 'dev', 'eth0', 'nodad');
    for (const link of ['br0', 'wlan0staff', 'eth0']) await ap('link', 'set', link, 'up');
    await ap('route', 'add', 'default', 'via', ROUTER);
    await ap('-6', 'route', 'add', 'default', 'via', INTERNET_V6);
    for (const setting of [
      'net.ipv4.ip_forward=1',
      'net.ipv6.conf.all.forwarding=1',
      // Bridged client-to-client frames go through the inet forward chain (REFERENCE §2, br_netfilter).
      'net.bridge.bridge-nf-call-iptables=1',
    ]) {
      await lab.sh(ns.ap, 'sysctl', ['-qw', setting]);
    }

    // The 4G router and the Internet behind it. It routes the hotspot subnets back to the Pi, so without
    // the ruleset's NAT everything would flow: the control test relies on that.
    const inet = (...args: string[]) => lab.sh(ns.inet, 'ip', args);
    await inet('addr', 'add', `${ROUTER}/24`, 'dev', 'eth0');
    await inet('addr', 'add', `${INTERNET_V6}/64`, 'dev', 'eth0', 'nodad');
    await inet('addr', 'add', `${INTERNET}/32`, 'dev', 'lo');
    await inet('link', 'set', 'eth0', 'up');
    for (const net of ['10.42.0.0/24', '10.43.0.0/24']) await inet('route', 'add', net, 'via', PI_UPLINK);
    await inet('-6', 'route', 'add', '2001:db8:42::/64', 'via', '2001:db8:8::2');

    for (const [client, mac] of [
      ['c1', MACS.c1],
      ['c2', MACS.c2],
      ['st', MACS.st],
    ] as const) {
      await lab.sh(ns[client], 'ip', ['link', 'set', 'wlan0', 'address', mac]);
      await lab.sh(ns[client], 'ip', ['link', 'set', 'wlan0', 'up']);
    }
    // c1 also holds a global IPv6 address, as SLAAC would give it if anything sent router advertisements.
    await lab.sh(ns.c1, 'ip', ['addr', 'add', '2001:db8:42::10/64', 'dev', 'wlan0', 'nodad']);
    await lab.sh(ns.c1, 'ip', ['-6', 'route', 'add', 'default', 'via', PI_RESIDENTS_V6]);

    await this.serve(ns.inet, 'internet', [80, 443]);
    await this.serve(ns.ap, 'portal', [this.config.portal.httpPort]);
    await this.serve(ns.ap, 'pi-service', [9000]);
    await this.serve(ns.c2, 'phone', [80]);
    await this.serve(ns.st, 'tablet', [80]);

    await lab.start(
      ns.inet,
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        `--pid-file=${join(this.dir, 'resolver.pid')}`,
        '--log-facility=-',
        '--no-hosts',
        '--no-resolv',
        '--bind-interfaces',
        `--listen-address=${INTERNET}`,
        `--address=/#/${INTERNET}`,
      ],
      { ready: /started, version/ },
    );
    const conf = join(this.dir, 'dnsmasq.conf');
    await writeFile(conf, renderDnsmasqConfig(this.config));
    await lab.start(
      ns.ap,
      'dnsmasq',
      [
        '--keep-in-foreground',
        `--conf-file=${conf}`,
        `--pid-file=${join(this.dir, 'dnsmasq.pid')}`,
        '--log-facility=-',
      ],
      { ready: /started, version/, env: { [LEASE_EVENTS_ENV]: this.config.paths.leaseEvents } },
    );
    await writeFile(join(this.dir, 'udhcpc.sh'), UDHCPC_SCRIPT);
    await chmod(join(this.dir, 'udhcpc.sh'), 0o755);
  }

  private async serve(ns: string, label: string, ports: number[]): Promise<void> {
    await this.lab.start(ns, process.execPath, ['-e', HTTP_SERVER, label, ...ports.map(String)], {
      ready: /listening/,
    });
  }

  /** Runs busybox udhcpc in a client namespace until it holds a lease; resolves to what it got. */
  async dhcp(client: 'c1' | 'c2' | 'st'): Promise<DhcpResult> {
    const out = join(this.dir, `${client}.lease`);
    const script = join(this.dir, 'udhcpc.sh');
    await this.lab.sh(this.ns[client], 'env', [
      `LEASE_OUT=${out}`,
      'udhcpc',
      '-i',
      'wlan0',
      '-f',
      '-q',
      '-n',
      '-t',
      '5',
      '-T',
      '1',
      '-O',
      '114',
      '-s',
      script,
    ]);
    const [ip = '', router = '', dns = '', opt114 = ''] = (await readFile(out, 'utf8')).trim().split(' ');
    return { ip, router, dns, opt114 };
  }

  /** An HTTP GET from a namespace with curl (no proxy, no ~/.curlrc, no URL globbing): exit code and body. */
  async curl(ns: string, url: string): Promise<{ code: number; body: string }> {
    const args = ['-q', '-sS', '-g', '--noproxy', '*', '--connect-timeout', '2', '-m', '4', url];
    const result = await this.lab.try(ns, 'curl', args);
    return { code: result.code, body: result.stdout };
  }

  /** How a TCP connect or UDP exchange from a namespace ends: CONNECTED, ANSWERED, ECONNREFUSED… */
  async probe(ns: string, proto: 'tcp' | 'udp', host: string, port: number): Promise<string> {
    const result = await this.lab.sh(ns, process.execPath, ['-e', PROBE, proto, host, String(port)]);
    return result.stdout.trim();
  }

  /** Resolves a name with busybox nslookup against one server; the addresses it got, or []. */
  async resolve(ns: string, name: string, server: string): Promise<string[]> {
    const result = await this.lab.try(ns, 'busybox', ['nslookup', name, server], 8000);
    const answer = result.stdout
      .split(/\n\s*\n/)
      .slice(1)
      .join('\n');
    return [...answer.matchAll(/^Address: (\S+)$/gm)].map((m) => m[1] ?? '');
  }

  async cleanup(): Promise<void> {
    await this.lab.cleanup();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

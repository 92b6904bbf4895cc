import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import type { HotspotSection } from '../../src/hotspot/edge-config.js';
import { validateHotspotSection } from '../../src/hotspot/edge-config.js';
import { type FakeHostapdCli, makeFakeHostapdCli } from './hotspot-service-fake-cli.js';
import { HotspotTopology } from './hotspot-topology.js';
import { makePortalCa, type PortalTestCa } from './portal-certs.js';

const CHILD = join(import.meta.dirname, '..', '..', 'dist', 'test', 'support', 'hotspot-service-child.js');
export const PORTAL_HOST = 'wifi.example.org';

export interface CurlResponse {
  /** curl's own exit status: 0 when an HTTP answer came back. */
  exit: number;
  status: number;
  headers: Map<string, string>;
  body: string;
}

/**
 * The namespace topology of the system layer's tests (support/hotspot-topology.ts: dnsmasq on the Pi
 * from the rendered config, calling the real lease hook) with the edge's hotspot service running in the
 * AP namespace as a child process, as the edge would run it, a certificate for the portal, and the
 * stand-in hostapd_cli first in the child's PATH.
 */
export class ServiceRig {
  private constructor(
    readonly topo: HotspotTopology,
    readonly ca: PortalTestCa,
    readonly cli: FakeHostapdCli,
    readonly section: HotspotSection,
    private readonly files: { section: string; socket: string; log: string },
  ) {}

  static async build(): Promise<ServiceRig> {
    const topo = await HotspotTopology.build();
    const parts: Array<{ remove(): Promise<void> }> = [];
    try {
      const ca = await makePortalCa(PORTAL_HOST);
      parts.push(ca);
      const cli = await makeFakeHostapdCli();
      parts.push(cli);
      const { config } = topo;
      // The topology's config with the portal's own ports (a stand-in already listens on the default
      // one there) and a real certificate: dnsmasq runs the same option 114 and host-record either way.
      const section = validateHotspotSection({
        ...config,
        // Survey on, as on a unit, but with no NetworkManager or systemd here: the configured channel is
        // written to a private hostapd.conf, and the restart of a unit that exists nowhere fails, logged.
        wifi: {
          ...config.wifi,
          survey: true,
          hostapdConfPath: join(topo.dir, 'run', 'hostapd.conf'),
          hostapdUnit: 'triporteur-test-absent-hostapd.service',
        },
        portal: {
          ...config.portal,
          httpPort: 8081,
          httpsPort: 8444,
          tls: { certFile: ca.certFile, keyFile: ca.keyFile },
        },
        pages: {
          venue: { associationName: 'Le Triporteur Solidaire', contact: 'dpo@example.org' },
          questionnaire: { enabled: true },
        },
      });
      const files = {
        section: join(topo.dir, 'hotspot-section.json'),
        socket: join(topo.dir, 'service.sock'),
        log: join(topo.dir, 'service.log'),
      };
      await writeFile(files.section, JSON.stringify(section));
      return new ServiceRig(topo, ca, cli, section, files);
    } catch (err) {
      for (const part of parts) await part.remove();
      await topo.cleanup();
      throw err;
    }
  }

  get logFile(): string {
    return this.files.log;
  }

  /** Starts the service in the AP namespace; resolves once the portal listens. */
  startService(): Promise<ChildProcess> {
    const { section, socket, log } = this.files;
    return this.topo.lab.start(this.topo.ns.ap, process.execPath, [CHILD, section, this.topo.ns.ap, socket, log], {
      ready: /hotspot service ready/,
      env: { PATH: `${this.cli.binDir}:${process.env.PATH}` },
    });
  }

  /** SIGTERM, as systemd stops the edge; resolves once the process has exited. */
  stopService(child: ChildProcess): Promise<void> {
    return this.topo.lab.stop(child);
  }

  /** Asks the running service (over its control socket, which crosses namespaces as a file). */
  control<T>(path: '/aggregate' | '/refresh'): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request(
        { socketPath: this.files.socket, path, method: path === '/refresh' ? 'POST' : 'GET' },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(body))));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * An HTTP(S) request from a namespace with curl, the name resolved first through the Pi's dnsmasq
   * (namespaces share the host's /etc/resolv.conf, so curl's own lookup would ask the host's resolver).
   */
  async curl(ns: string, url: string, form?: Record<string, string>): Promise<CurlResponse> {
    const { hostname, port, protocol } = new URL(url);
    const [address] = isIPv4(hostname) ? [hostname] : await this.topo.resolve(ns, hostname, '10.42.0.1');
    if (address === undefined) throw new Error(`${hostname} did not resolve through the Pi`);
    const fields = Object.entries(form ?? {}).flatMap(([name, value]) => ['--data-urlencode', `${name}=${value}`]);
    const defaultPort = protocol === 'https:' ? '443' : '80';
    const args = [
      '-q',
      '-sS',
      '-g',
      '--noproxy',
      '*',
      '--connect-timeout',
      '2',
      '-m',
      '4',
      '--cacert',
      this.ca.caFile,
      '--resolve',
      `${hostname}:${port || defaultPort}:${address}`,
      '-D',
      '-',
      ...fields,
      url,
    ];
    const result = await this.topo.lab.try(ns, 'curl', args);
    const split = result.stdout.indexOf('\r\n\r\n');
    const head = split < 0 ? '' : result.stdout.slice(0, split);
    const [statusLine = '', ...headerLines] = head.split('\r\n');
    const headers = new Map(
      headerLines.map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
    );
    return {
      exit: result.code,
      status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(statusLine)?.[1] ?? 0),
      headers,
      body: split < 0 ? result.stdout : result.stdout.slice(split + 4),
    };
  }

  async cleanup(): Promise<void> {
    await this.topo.cleanup();
    await this.ca.remove();
    await this.cli.remove();
  }
}

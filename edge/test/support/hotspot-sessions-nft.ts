import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { AllowedEntry, FirewallPort, TrafficCounters } from '../../src/hotspot/sessions/ports.js';

/** Runs a command without a shell; rejects with its stderr. */
export function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
    // The command may exit before reading its input (EPIPE); its exit status tells the story.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

const TABLE = 'hotspot_test';

/**
 * A minimal allowed set in the kernel, written here rather than taken from the system layer's ruleset
 * generator: a timeout set refreshed from the packet path, and two named byte counters for traffic to and
 * from a test port on loopback standing in for "up" and "down".
 */
function ruleset(idleTimeoutS: number, port: number): string {
  return `table inet ${TABLE} {
  counter up {}
  counter down {}
  set allowed { type ipv4_addr; flags timeout; }
  chain out {
    type filter hook output priority 0; policy accept;
    ip saddr @allowed update @allowed { ip saddr timeout ${idleTimeoutS}s }
    tcp dport ${port} counter name "up"
    tcp sport ${port} counter name "down"
  }
}
`;
}

interface NftSetDump {
  nftables: Array<{ set?: { elem?: Array<string | { elem: { val: string; expires?: number } }> } }>;
}

interface NftCounterDump {
  nftables: Array<{ counter?: { name: string; bytes: number } }>;
}

/** A real FirewallPort: `ip netns exec <ns> nft …` on the set above. */
export class NetnsNftFirewall implements FirewallPort {
  constructor(private readonly namespace: string) {}

  nft(...args: string[]): Promise<string> {
    return run('ip', ['netns', 'exec', this.namespace, 'nft', ...args]);
  }

  async allow(ip: string, timeoutS: number): Promise<void> {
    await this.nft('add', 'element', 'inet', TABLE, 'allowed', `{ ${ip} timeout ${timeoutS}s }`);
  }

  async revoke(ip: string): Promise<void> {
    try {
      await this.nft('delete', 'element', 'inet', TABLE, 'allowed', `{ ${ip} }`);
    } catch (err) {
      if (!/No such file or directory/.test(String(err))) throw err;
    }
  }

  async listAllowed(): Promise<AllowedEntry[]> {
    const dump = JSON.parse(await this.nft('-j', 'list', 'set', 'inet', TABLE, 'allowed')) as NftSetDump;
    const elements = dump.nftables.flatMap((item) => item.set?.elem ?? []);
    return elements.map((element) =>
      typeof element === 'string'
        ? { ip: element, expiresInS: 0 }
        : { ip: element.elem.val, expiresInS: element.elem.expires ?? 0 },
    );
  }

  async counters(): Promise<TrafficCounters> {
    const dump = JSON.parse(await this.nft('-j', 'list', 'counters', 'table', 'inet', TABLE)) as NftCounterDump;
    const bytes = (name: string) => dump.nftables.find((item) => item.counter?.name === name)?.counter?.bytes ?? 0;
    return { bytesUp: bytes('up'), bytesDown: bytes('down') };
  }
}

export interface NftNamespace {
  name: string;
  firewall: NetnsNftFirewall;
  /** An address on the namespace's loopback that can be accepted and can send. */
  clientIp: string;
  /** One TCP attempt from `clientIp` to the counted port on loopback (refused, but the packets flow). */
  sendFromClient(): Promise<void>;
  close(): Promise<void>;
}

/** A throw-away namespace holding the set; `close()` removes it (call it in `finally`/`afterEach`). */
export async function nftNamespace(idleTimeoutS: number): Promise<NftNamespace> {
  const name = `hs-sess-${process.pid}-${randomBytes(4).toString('hex')}`;
  const clientIp = '10.99.0.2';
  const port = 9;
  await run('ip', ['netns', 'add', name]);
  const close = () => run('ip', ['netns', 'del', name]).then(() => undefined);
  try {
    const exec = (...args: string[]) => run('ip', ['netns', 'exec', name, ...args]);
    await exec('ip', 'link', 'set', 'lo', 'up');
    await exec('ip', 'addr', 'add', `${clientIp}/32`, 'dev', 'lo');
    await run('ip', ['netns', 'exec', name, 'nft', '-f', '-'], ruleset(idleTimeoutS, port));
    const sendFromClient = async () => {
      // curl exits 7 (connection refused): the SYN and the RST are what the rules see.
      await exec(
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '--max-time',
        '1',
        '--interface',
        clientIp,
        `http://127.0.0.1:${port}/`,
      ).catch(() => undefined);
    };
    return { name, firewall: new NetnsNftFirewall(name), clientIp, sendFromClient, close };
  } catch (err) {
    await close();
    throw err;
  }
}

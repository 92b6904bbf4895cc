import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { baselineDnsmasqArgs, baselineNatRuleset, type Harness, PLAN, runCommand } from '../../support/netns/index.js';
import { onPortalCpu, type Pinning } from './pinning.js';
import { type AcceptTrace, type PortalUnderTest, type StartedPortal, stepTimer } from './portal.js';
import { firstLook, openSheet, type Sheet, SheetError, tap } from './sheet.js';

export const OPENNDS_BINARY = '/usr/bin/opennds';

/**
 * Which iptables openNDS gets. Debian 12's default is iptables-nft, but openNDS 9.10's own pre_setup
 * (libopennds.sh) adds nft base chains to the `ip filter` table at priority -100; iptables-nft then
 * refuses that table ("CHAIN_ADD failed (Operation not supported): chain INPUT"), so no filter rule
 * is installed and captive clients reach HTTPS freely. With iptables-legacy, openNDS works as meant.
 */
export type IptablesBackend = 'legacy' | 'nft';

/**
 * openNDS 9.10's legacy config file (the one non-OpenWrt systems read): its stock click-to-continue
 * login on the harness's residents' bridge, clients may reach only DHCP and DNS on the Pi (as with
 * ours), room for every client of a run. Everything else stays at openNDS's defaults.
 */
export function openNdsConfig(gatewayInterface: string = PLAN.ap.bridge): string {
  return `# openNDS for the portal bench (e2e/bench/portal/opennds.ts); read from a private /etc.
GatewayInterface ${gatewayInterface}
login_option_enabled 1
MaxClients 250
FirewallRuleSet authenticated-users {
}
FirewallRuleSet preauthenticated-users {
}
FirewallRuleSet users-to-router {
    FirewallRule allow udp port 53
    FirewallRule allow tcp port 53
    FirewallRule allow udp port 67
}
`;
}

/**
 * Runs a command (openNDS) with a private view of the machine, inside the mount namespace that
 * `ip netns exec` already made for it (slave to the host's, so nothing propagates back). openNDS and
 * its shell helpers write /etc (opennds.conf is read from there, dnsconfig.sh rewrites /etc/hosts and
 * /etc/dnsmasq.conf), /tmp and /run, and call `systemctl restart dnsmasq`: here /etc is an overlay
 * whose writes land in a tmpfs, /tmp and /run are empty tmpfs (so systemctl cannot reach a host's
 * systemd), the run's lease file is where openNDS's dhcpcheck looks for Debian's, and the iptables
 * alternatives point at the chosen backend. Usage:
 *   opennds-root.sh <private dir> <resolv.conf> <opennds.conf> <lease dir> <legacy|nft> <command…>
 */
export const PRIVATE_ROOT_SCRIPT = `#!/bin/sh
set -eu
priv=$1 resolv=$2 conf=$3 leases=$4 backend=$5
shift 5
mount -t tmpfs tpn-opennds "$priv"
mkdir -p "$priv/upper" "$priv/work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$priv/upper,workdir=$priv/work" /etc
mount --bind "$resolv" /etc/resolv.conf
mkdir -p /etc/opennds
cp "$conf" /etc/opennds/opennds.conf
for tool in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sfn "/usr/sbin/\${tool%%tables*}tables-$backend\${tool#*tables}" "/etc/alternatives/$tool"
done
mount --bind "$leases" /var/lib/misc
mount -t tmpfs tpn-opennds-tmp /tmp
mount -t tmpfs tpn-opennds-run /run
mkdir -p /run/tmpfiles.d
exec "$@"
`;

/** The first line openNDS prints once its firewall and web server are up. */
const RUNNING = /openNDS is now running/;
/** Lines that say openNDS's firewall is not what it thinks it is (see IptablesBackend). */
const FIREWALL_FAILURE = /CHAIN_ADD failed|Kernel does not support iptables mark masking|iptables .* failed/;

export class OpenNdsUnavailable extends Error {
  constructor(
    message: string,
    /** openNDS's own output, for the results file and the report. */
    readonly log: string[] = [],
  ) {
    super(message);
    this.name = 'OpenNdsUnavailable';
  }
}

/** Installs openNDS and iptables with the repo's script (idempotent); its output either way. */
export async function installOpenNds(root: string): Promise<{ ok: boolean; output: string }> {
  const script = join(root, 'scripts', 'bench-install-opennds.sh');
  const run = await runCommand('sh', [script], { allowFailure: true, timeoutMs: 600_000 });
  return { ok: run.code === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

async function openNdsVersion(backend: IptablesBackend): Promise<string> {
  const version = await runCommand(OPENNDS_BINARY, ['-v'], { allowFailure: true });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format placeholder
  const pkg = await runCommand('dpkg-query', ['-W', '-f=${Version}', 'opennds'], { allowFailure: true });
  return `${version.stdout.trim()} (Debian package ${pkg.stdout.trim() || 'unknown'}), iptables-${backend}`;
}

/** Probe, open the sheet, tap "Accept Terms of Service", then "Continue", which authenticates. */
async function acceptOpenNds(sheet: Sheet): Promise<AcceptTrace> {
  const steps = stepTimer();
  const portalUrl = await firstLook(sheet);
  steps.mark();
  const splash = await openSheet(sheet, portalUrl);
  steps.mark();
  const thanks = await tap(sheet, splash, 'continue');
  const landing = await tap(sheet, thanks, 'landing');
  steps.mark();
  if (landing.page.status !== 200) {
    throw new SheetError(
      'BENCH_PORTAL_REFUSED',
      `${sheet.client.name}: openNDS landing page got ${landing.page.status}`,
    );
  }
  return steps.trace(2, thanks.page.ms + landing.page.ms);
}

async function startOpenNds(
  harness: Harness,
  pinning: Pinning | undefined,
  backend: IptablesBackend,
): Promise<StartedPortal> {
  if (!existsSync(OPENNDS_BINARY)) {
    throw new OpenNdsUnavailable(`${OPENNDS_BINARY} is missing: run scripts/bench-install-opennds.sh`);
  }
  const dir = join(harness.dir, 'opennds');
  const files = {
    misc: join(dir, 'misc'),
    private: join(dir, 'private'),
    conf: join(dir, 'opennds.conf'),
    resolv: join(dir, 'resolv.conf'),
    script: join(dir, 'opennds-root.sh'),
  };
  await mkdir(files.misc, { recursive: true });
  await mkdir(files.private, { recursive: true });
  await writeFile(files.conf, openNdsConfig());
  await writeFile(files.resolv, `nameserver ${PLAN.internet.router4}\n`);
  await writeFile(files.script, PRIVATE_ROOT_SCRIPT, { mode: 0o755 });

  // The same DHCP/DNS as the no-portal floor (dnsmasq without its ping check, NAT in its own table),
  // its lease file where Debian's dnsmasq keeps it, for openNDS's dhcpcheck.
  const [dnsmasq, ...dnsmasqArgs] = onPortalCpu(pinning, [
    'dnsmasq',
    ...baselineDnsmasqArgs(dir, join(files.misc, 'dnsmasq.leases')),
  ]);
  const dhcp = harness.ap.spawn('dnsmasq', dnsmasq as string, dnsmasqArgs);
  await Promise.all([dhcp.waitForLine(/started, version/), harness.ap.nft(baselineNatRuleset())]);

  const [shell, ...args] = onPortalCpu(pinning, [
    '/bin/sh',
    files.script,
    files.private,
    files.resolv,
    files.conf,
    files.misc,
    backend,
    OPENNDS_BINARY,
    '-f',
    '-c',
    '/etc/opennds/opennds.conf',
  ]);
  const nds = harness.ap.spawn('opennds', shell as string, args);
  try {
    await nds.waitForLine(RUNNING, { timeoutMs: 60_000 });
  } catch (error) {
    throw new OpenNdsUnavailable(`openNDS did not start: ${(error as Error).message}`, [...nds.lines]);
  }
  const failure = nds.lines.find((line) => FIREWALL_FAILURE.test(line));
  if (failure !== undefined) {
    throw new OpenNdsUnavailable(`openNDS's firewall failed (iptables-${backend}): ${failure}`, [...nds.lines]);
  }
  return { accept: acceptOpenNds, captiveStatus: 307, version: await openNdsVersion(backend) };
}

export function openNds(backend: IptablesBackend): PortalUnderTest {
  return {
    key: 'opennds',
    label: 'openNDS 9.10 (Debian)',
    start: (harness, pinning) => startOpenNds(harness, pinning, backend),
  };
}

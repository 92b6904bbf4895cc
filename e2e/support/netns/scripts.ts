import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * busybox udhcpc runs this on every DHCP event ($1 = event, lease in the environment). It sets up
 * the interface like Debian's default script, but writes the DNS servers to this client's own
 * resolv.conf ($RESOLV_FILE) instead of the /etc/resolv.conf every namespace shares, and prints
 * one tab-separated line per event for the harness. Short resolver timeouts keep a blocked DNS
 * from stalling a probe for the glibc default of 2 × 5 s.
 */
const UDHCPC_SCRIPT = `#!/bin/sh
event="$1"
case "$event" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ip link set dev "$interface" up
    ;;
  bound|renew)
    if [ "$event" = bound ]; then ip -4 addr flush dev "$interface"; fi
    ip addr replace "$ip/\${mask:-24}" dev "$interface"
    if [ -n "$router" ]; then
      set -- $router
      ip route replace default via "$1" dev "$interface"
    fi
    {
      for server in $dns; do echo "nameserver $server"; done
      echo "options timeout:1 attempts:2"
    } > "$RESOLV_FILE"
    ;;
esac
set -- $dns
IFS=,
printf 'udhcpc-event\\t%s\\tip=%s\\tmask=%s\\trouter=%s\\tdns=%s\\tlease=%s\\topt114=%s\\n' \\
  "$event" "$ip" "$mask" "$router" "$*" "$lease" "$opt114"
`;

/**
 * Runs a command with this client's resolv.conf bind-mounted over /etc/resolv.conf. \`ip netns exec\`
 * has already given the command a private mount namespace (slave to the host's), so the mount is
 * seen by this command and its children only and disappears with them: the host's file is never
 * written. Usage: with-resolv.sh <resolv.conf> <program> [args...]
 */
const WITH_RESOLV_SCRIPT = `#!/bin/sh
mount --bind "$1" /etc/resolv.conf || exit 125
shift
exec "$@"
`;

export interface HarnessScripts {
  udhcpc: string;
  withResolv: string;
}

/** Writes the helper scripts into the run's temp dir, executable, so no repo file needs an exec bit. */
export async function writeHarnessScripts(dir: string): Promise<HarnessScripts> {
  const bin = join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  const udhcpc = join(bin, 'udhcpc.sh');
  const withResolv = join(bin, 'with-resolv.sh');
  await writeFile(udhcpc, UDHCPC_SCRIPT, { mode: 0o755 });
  await writeFile(withResolv, WITH_RESOLV_SCRIPT, { mode: 0o755 });
  return { udhcpc, withResolv };
}

/** Playwright's executablePath for one client: Debian's Chromium inside that client's namespace. */
export function chromiumWrapper(namespace: string, withResolv: string, resolvFile: string, chromium: string): string {
  const quoted = [namespace, withResolv, resolvFile, chromium].map((part) => `'${part.replaceAll("'", `'\\''`)}'`);
  return `#!/bin/sh\nexec ip netns exec ${quoted[0]} /bin/sh ${quoted.slice(1).join(' ')} "$@"\n`;
}

#!/bin/sh
# Installs openNDS 9.10 (Debian 12's `opennds`) and iptables for the portal bench (`npm run bench`),
# which runs the openNDS binary itself inside its own network namespace with a private config
# (e2e/bench/portal/opennds.ts). The packaged service must never run: it would rewrite the host's
# firewall. No service may start during the install (policy-rc.d), the unit is disabled, and stopped
# where systemd runs. Idempotent. Needs root and Debian's package lists.
set -eu

unit=opennds.service

if ! command -v opennds >/dev/null 2>&1 || ! command -v iptables-legacy >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench-install-opennds: must run as root (apt-get install opennds iptables)" >&2
    exit 1
  fi
  # Refuse service starts for the length of the install, unless the machine already has a policy.
  policy=/usr/sbin/policy-rc.d
  made_policy=no
  cleanup() {
    if [ "$made_policy" = yes ]; then rm -f "$policy"; fi
  }
  trap cleanup EXIT INT TERM
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    made_policy=yes
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-cache show opennds >/dev/null 2>&1; then
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends opennds iptables
fi

# The package enables its unit: undo that, so a machine booted with systemd never starts it either.
if [ -e "/etc/systemd/system/multi-user.target.wants/$unit" ]; then
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now "$unit" >/dev/null 2>&1 || true
  fi
  rm -f "/etc/systemd/system/multi-user.target.wants/$unit"
fi
# A daemon in the host's network namespace is a failure: the bench must not run next to it.
for pid in $(pgrep -x opennds || true); do
  if [ "$(readlink "/proc/$pid/ns/net")" = "$(readlink /proc/1/ns/net)" ]; then
    echo "bench-install-opennds: an opennds daemon (pid $pid) runs in the host namespace; stop it first" >&2
    exit 1
  fi
done
echo "bench-install-opennds: $(opennds -v 2>&1 | head -n 1), $(iptables-legacy -V 2>&1 | head -n 1)"

#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, on a fresh Debian 12 machine.
# Later work extends the list here, and only here.
set -euo pipefail

packages=(
  # native addons (serialport, better-sqlite3) build with node-gyp when no prebuild fits
  python3 make g++
  # a real pseudo-terminal pair for serial tests and the demo
  socat
  # a real MQTT broker, and its password tool for per-unit credentials
  mosquitto mosquitto-clients
  # a throw-away CA for the MQTT-over-TLS tests
  openssl
  # unshare/nsenter: the full-disk test mounts a tiny tmpfs in its own mount namespace (needs root)
  util-linux
  # the captive portal for real, in network namespaces: firewall, DHCP/DNS (dnsmasq-base: the binary
  # without the system service, which would take port 53), phone-like DHCP clients and probes, NAT events
  iproute2 nftables dnsmasq-base udhcpc busybox curl conntrack
  # hostapd: its config is rendered and parsed in tests (no radio here)
  hostapd
  # the Arduino's StandardFirmata is flashed with avrdude; tests drive the real avrdude against a simulated
  # bootloader on a pseudo-terminal
  avrdude
  # every shell script in the repo passes shellcheck (a test runs it)
  shellcheck
  # systemctl, systemd-analyze (the units are verified) and systemd-notify (the watchdog's sender, tested
  # against a real datagram socket); a bare Debian container lacks them
  systemd
  # the provisioning tests parse the cloud-init files with PyYAML, as cloud-init itself does
  python3-yaml
  # browser tests: Playwright drives Debian's Chromium (never a downloaded browser)
  chromium fonts-dejavu-core
  # the dashboard's scale path: tests start throw-away PostgreSQL servers from these binaries (as the
  # postgres account when root, through setpriv from util-linux), never the distribution's cluster
  postgresql
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "system dependencies: all ${#packages[@]} present"
  exit 0
fi

echo "system dependencies: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system dependencies: done"

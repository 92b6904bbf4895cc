#!/bin/sh
# ExecStartPre of hostapd.service (hostapd.service.d/triporteur.conf): makes sure the runtime config
# hostapd reads exists. The edge's own copy (with the surveyed channel) wins; the installer's render in
# /etc/triporteur/hotspot fills in before the edge has written one. Installed as
# /usr/local/lib/triporteur/hostapd-runtime-conf.
set -eu

runtime=${TRIPORTEUR_HOSTAPD_CONF:?TRIPORTEUR_HOSTAPD_CONF is not set (hotspot.env)}
installed=${TRIPORTEUR_HOSTAPD_INSTALLED:-/etc/triporteur/hotspot/hostapd.conf}

if [ -s "$runtime" ]; then
  exit 0
fi
# It holds the staff passphrase: 0600, written whole before it takes the final name.
mkdir -p "${runtime%/*}"
umask 077
cp "$installed" "$runtime.tmp"
mv -f "$runtime.tmp" "$runtime"

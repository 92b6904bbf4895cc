#!/bin/sh
# dnsmasq --dhcp-script hook for the triporteur hotspot (see README.md here).
# Appends one JSON line per lease event to $TRIPORTEUR_LEASE_EVENTS, which the edge reads:
#   {"v":1,"action":"add|old|del","mac":"…","ip":"…","expires":<epoch s, 0 = never>,"interface":"…","at":<epoch s>}
# The client's hostname ($4) is personal data and is never written. Every value is checked before it is
# printed, so nothing a client sends can break or forge a line; anything else dnsmasq reports is ignored.
events=${TRIPORTEUR_LEASE_EVENTS:-/run/triporteur/lease-events.jsonl}
action=$1
mac=$2
ip=$3
expires=${DNSMASQ_LEASE_EXPIRES:-0}
iface=${DNSMASQ_INTERFACE:-}

case $action in add | old | del) ;; *) exit 0 ;; esac
case $mac in '' | *[!0-9a-fA-F:]*) exit 0 ;; esac
# IPv4 only: the hotspot gives no IPv6 leases.
case $ip in '' | *[!0-9.]*) exit 0 ;; esac
case $expires in '' | *[!0-9]*) expires=0 ;; esac
case $iface in *[!A-Za-z0-9_.-]*) iface= ;; esac

[ -d "${events%/*}" ] || mkdir -p "${events%/*}"
printf '{"v":1,"action":"%s","mac":"%s","ip":"%s","expires":%s,"interface":"%s","at":%s}\n' \
  "$action" "$mac" "$ip" "$expires" "$iface" "$(date +%s)" >>"$events"

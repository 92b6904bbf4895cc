import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { deepFreeze } from '../config/freeze.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import { CIDR_PATTERN, IFNAME_PATTERN, IPV4_PATTERN } from './system/addresses.js';
import { checkHotspotConfig } from './system/config-checks.js';

/**
 * The hotspot section of the edge config: one source for the types, defaults and validation of
 * everything the system layer renders (nftables ruleset, dnsmasq.conf, hostapd.conf). Schema checks
 * cover each field; `checkHotspotConfig` covers what spans fields (an address inside its subnet…).
 */

const strict = { additionalProperties: false } as const;
const ifname = (value: string, description: string) =>
  Type.String({ pattern: IFNAME_PATTERN, default: value, description });
const ipv4 = (value: string, description: string) =>
  Type.String({ pattern: IPV4_PATTERN, default: value, description });
const cidr = (value: string, description: string) =>
  Type.String({ pattern: CIDR_PATTERN, default: value, description });
const port = (value: number, description: string) =>
  Type.Integer({ minimum: 1, maximum: 65_535, default: value, description });
const seconds = (value: number, minimum: number, maximum: number, description: string) =>
  Type.Integer({ minimum, maximum, default: value, description });
const ssid = (value: string | undefined, description: string) =>
  Type.String({ minLength: 1, maxLength: 32, ...(value === undefined ? {} : { default: value }), description });

const dhcpRange = (start: string, end: string) =>
  Type.Object(
    {
      start: ipv4(start, 'First address dnsmasq hands out'),
      end: ipv4(end, 'Last address dnsmasq hands out'),
    },
    { ...strict, default: {} },
  );

export const ResidentsNetworkSchema = Type.Object(
  {
    interface: ifname(
      'wlan0',
      "The residents' layer-3 interface: the radio itself, or a bridge holding it (then hostapd gets bridge=)",
    ),
    ssid: ssid('Wifi social', 'The open SSID (UTF-8, at most 32 bytes)'),
    subnet: cidr('10.42.0.0/24', "The residents' IPv4 subnet"),
    address: ipv4('10.42.0.1', "The Pi's address on it: gateway, DNS server, portal"),
    dhcpRange: dhcpRange('10.42.0.10', '10.42.0.250'),
    leaseTimeS: seconds(3600, 120, 86_400, 'DHCP lease time, s (dnsmasq refuses less than 2 min)'),
  },
  { ...strict, default: {} },
);

export const StaffNetworkSchema = Type.Object(
  {
    interface: ifname('wlan0staff', 'Second BSS of the radio (hostapd bss=) for the mediators\u2019 tablets'),
    ssid: ssid(undefined, 'The staff SSID (WPA2-PSK)'),
    passphrase: Type.String({
      minLength: 8,
      maxLength: 63,
      description: 'WPA2 passphrase: 8 to 63 printable ASCII characters (secret: never logged)',
    }),
    subnet: cidr('10.43.0.0/24', "The staff IPv4 subnet, apart from the residents'"),
    address: ipv4('10.43.0.1', "The Pi's address on it"),
    dhcpRange: dhcpRange('10.43.0.10', '10.43.0.250'),
    leaseTimeS: seconds(43_200, 120, 86_400, 'DHCP lease time, s'),
    piTcpPorts: Type.Array(Type.Integer({ minimum: 1, maximum: 65_535 }), {
      default: [],
      maxItems: 16,
      uniqueItems: true,
      description: "TCP ports of the Pi's own services the tablets may reach besides DHCP and DNS (e.g. 22)",
    }),
  },
  strict,
);

export const HotspotConfigSchema = Type.Object(
  {
    residents: ResidentsNetworkSchema,
    staff: Type.Optional(StaffNetworkSchema),
    wifi: Type.Object(
      {
        interface: ifname('wlan0', 'The radio hostapd drives'),
        countryCode: Type.String({
          pattern: '^[A-Z]{2}$',
          default: 'FR',
          description: 'ISO 3166-1 alpha-2 regulatory domain',
        }),
        hwMode: Type.Union([Type.Literal('g'), Type.Literal('a')], {
          default: 'g',
          description: '2.4 GHz (g) or 5 GHz (a)',
        }),
        channel: Type.Integer({ minimum: 1, maximum: 196, default: 6, description: 'Radio channel' }),
        maxStations: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: 2007,
            description:
              "Client ceiling hostapd enforces; the Pi's on-board chip manages about 8 (19 with the minimal firmware)",
          }),
        ),
        controlDir: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/run/hostapd',
          description: "hostapd's control sockets (hostapd_cli -p); station joins and leaves are read there",
        }),
        controlGroup: Type.String({
          pattern: '^[a-z_][a-z0-9_-]{0,31}$|^[0-9]{1,10}$',
          default: 'triporteur',
          description: "Group that may use hostapd's control sockets: the edge service's (a name or a gid)",
        }),
        hostapdUnit: Type.String({
          pattern: '^[A-Za-z0-9@._-]+\\.service$',
          default: 'hostapd.service',
          description: 'The systemd unit running hostapd: restarted on a new channel, stopped while at the depot',
        }),
        survey: Type.Boolean({
          default: true,
          description:
            'At start, when hostapd is not already serving: scan (2.4 GHz), write hostapdConfPath and restart hostapdUnit. Off: hostapd is left alone',
        }),
        hostapdConfPath: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/run/triporteur/hostapd.conf',
          description:
            'The runtime hostapd.conf the edge writes (0600) with the chosen channel; hostapdUnit must read it',
        }),
      },
      { ...strict, default: {} },
    ),
    uplink: Type.Object(
      {
        interfaces: Type.Array(Type.String({ pattern: IFNAME_PATTERN }), {
          minItems: 1,
          maxItems: 4,
          uniqueItems: true,
          default: ['eth0'],
          description: "The 4G router's side (eth0, usb0, wwan0): NAT goes out there and nowhere else",
        }),
        isolatedRanges: Type.Array(Type.String({ pattern: CIDR_PATTERN }), {
          maxItems: 32,
          default: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'],
          description: "Destinations beyond the uplink no client may reach, e.g. the 4G router's admin page",
        }),
      },
      { ...strict, default: {} },
    ),
    dns: Type.Object(
      {
        upstreamServers: Type.Array(Type.String({ pattern: IPV4_PATTERN }), {
          maxItems: 4,
          default: [],
          description: "Resolvers dnsmasq forwards to; empty: the Pi's own /etc/resolv.conf (the 4G router's)",
        }),
      },
      { ...strict, default: {} },
    ),
    portal: Type.Object(
      {
        hostname: Type.String({
          minLength: 3,
          maxLength: 253,
          default: 'portail.home.arpa',
          description: "The portal's name; dnsmasq answers it with the Pi's address. Never an IP literal",
        }),
        httpPort: port(8080, 'Where the portal listens on the Pi; captive port 80 is DNATed here'),
        httpsPort: port(8443, "Where the portal's HTTPS (RFC 8908 API) listens; port 443 to the Pi lands here"),
        apiPath: Type.String({
          pattern: '^/[A-Za-z0-9._~/-]*$',
          maxLength: 128,
          default: '/captive-portal/api',
          description: 'Path of the RFC 8908 API on https://<hostname>',
        }),
        tls: Type.Optional(
          Type.Object(
            {
              certFile: Type.String({ minLength: 1, description: 'PEM certificate valid for the hostname' }),
              keyFile: Type.String({ minLength: 1, description: 'PEM private key' }),
            },
            {
              ...strict,
              description: 'A certificate that validates for the hostname; only then is DHCP option 114 sent',
            },
          ),
        ),
      },
      { ...strict, default: {} },
    ),
    sessions: Type.Object(
      {
        idleTimeoutS: seconds(900, 10, 86_400, "Idle clients leave the kernel's allowed set after this, s"),
        sessionTimeoutS: seconds(8 * 3600, 60, 7 * 86_400, 'A session ends after this however busy, s'),
      },
      { ...strict, default: {} },
    ),
    bandwidth: Type.Object(
      {
        perClientDownKbit: Type.Optional(
          Type.Integer({ minimum: 64, maximum: 1_000_000, description: 'Download ceiling per resident, kbit/s' }),
        ),
        perClientUpKbit: Type.Optional(
          Type.Integer({ minimum: 64, maximum: 1_000_000, description: 'Upload ceiling per resident, kbit/s' }),
        ),
      },
      {
        ...strict,
        default: {},
        description:
          'Hard per-client ceilings, shaped by tc HTB (one class per DHCP address; see hardware/hotspot/README.md)',
      },
    ),
    quota: Type.Object(
      {
        bytesPerSession: Type.Optional(
          Type.Integer({
            minimum: 1_000_000,
            maximum: 1_000_000_000_000,
            description: 'Bytes (down + up) one session may move; then it ends and the resident may tap again',
          }),
        ),
        bytesPerDay: Type.Optional(
          Type.Integer({
            minimum: 1_000_000,
            maximum: 1_000_000_000_000,
            description: 'Bytes (down + up) one device may move per local day; then the portal says so until midnight',
          }),
        ),
        checkIntervalS: seconds(5, 1, 300, 'How often the kernel byte counters are read against the quotas, s'),
      },
      {
        ...strict,
        default: {},
        description: 'Optional volume quotas, counted by the kernel (RFC 8908 bytes-remaining)',
      },
    ),
    filter: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Answer the blocklist\u2019s names with NXDOMAIN' }),
        blocklistFile: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/etc/triporteur/blocklist.txt',
          description: 'One domain per line (its subdomains are blocked too); # starts a comment',
        }),
        serversFile: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/var/lib/triporteur/blocklist.dnsmasq',
          description: "The list in dnsmasq's servers-file form, written by the edge; dnsmasq reads it",
        }),
      },
      {
        ...strict,
        default: {},
        description: 'DNS blocklist for stops near schools; off by default, and not a security boundary',
      },
    ),
    paths: Type.Object(
      {
        leaseFile: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/var/lib/misc/triporteur.leases',
          description: "dnsmasq's lease file",
        }),
        leaseHook: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/usr/local/lib/triporteur/lease-hook',
          description: 'The dhcp-script hook (hardware/hotspot/lease-hook.sh, installed executable)',
        }),
        leaseEvents: Type.String({
          pattern: '^/[A-Za-z0-9._/-]*$',
          default: '/run/triporteur/lease-events.jsonl',
          description: 'Where the hook appends one JSON line per lease event (TRIPORTEUR_LEASE_EVENTS)',
        }),
      },
      { ...strict, default: {} },
    ),
  },
  strict,
);

export type HotspotConfig = Static<typeof HotspotConfigSchema>;
export type ResidentsNetworkConfig = Static<typeof ResidentsNetworkSchema>;
export type StaffNetworkConfig = Static<typeof StaffNetworkSchema>;

/**
 * Fills defaults, validates, cross-checks and deep-freezes a hotspot section. `field` prefixes the
 * paths in error messages ("hotspot" when the section sits in the edge config).
 */
export function validateHotspotConfig(input: unknown, field = 'hotspot'): Readonly<HotspotConfig> {
  const withDefaults = Value.Default(HotspotConfigSchema, Value.Clone(input ?? {}));
  const first = Value.Errors(HotspotConfigSchema, withDefaults).First();
  if (first) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}${first.path}": ${first.message}`);
  }
  const config = withDefaults as HotspotConfig;
  checkHotspotConfig(config, field);
  return deepFreeze(config);
}

import type { EdgeConfig } from '@triporteur/edge';
import { LiteralBlock, toYaml, type YamlValue } from './yaml.js';

/**
 * The three NoCloud files Raspberry Pi OS reads from its boot partition at first boot (seedfrom
 * file:///boot/firmware, dsmode local). Pure functions of their inputs: no time, no randomness, so a
 * rerun gives the same bytes.
 */

/** Where the boot partition is mounted on the Pi. */
export const BOOT_DIR = '/boot/firmware';
/** The repo's installer, copied by the technician beside the bundle (docs/provisioning.md). */
export const INSTALLER_PATH = `${BOOT_DIR}/triporteur/install-pi.sh`;
/** Where the edge service reads its config on the Pi. */
export const UNIT_CONFIG_PATH = '/etc/triporteur/config.json';
/** The login for maintenance: SSH key only, no password. */
export const TECHNICIAN_USER = 'technicien';
/** Written over user-data once it has been applied, so the card no longer carries the unit's secret. */
export const SCRUBBED_USER_DATA =
  '#cloud-config\n# Triporteur: applied at first boot; secrets removed from the card.\n';

export interface UserDataInput {
  unitId: string;
  name: string;
  /** The edge config file's exact text (triporteur.json). */
  configText: string;
  /** The same config, validated: packages and radios are read from it. */
  config: Readonly<EdgeConfig>;
  sshKeys: readonly string[];
  /** The depot network's passphrase, written where `depot.pskFile` says. */
  depotPassphrase?: string;
}

/** The interfaces hostapd owns; NetworkManager must leave them alone (the depot link takes the radio back on its own). */
export function hotspotInterfaces(config: Readonly<EdgeConfig>): string[] {
  const hotspot = config.hotspot;
  if (!hotspot) return [];
  const names = [
    hotspot.wifi.interface,
    hotspot.residents.interface,
    ...(hotspot.staff ? [hotspot.staff.interface] : []),
  ];
  return [...new Set(names)];
}

function networkManagerConf(interfaces: readonly string[]): string {
  return [
    '# Written at first boot by the triporteur bundle: hostapd drives these interfaces, not NetworkManager.',
    '[keyfile]',
    `unmanaged-devices=${interfaces.map((i) => `interface-name:${i}`).join(';')}`,
    '',
  ].join('\n');
}

export function renderUserData(input: UserDataInput): string {
  const { config } = input;
  const packages = ['hostapd', 'dnsmasq', 'nftables', 'conntrack', ...(config.gps?.type === 'gpsd' ? ['gpsd'] : [])];
  const files: YamlValue[] = [
    {
      path: UNIT_CONFIG_PATH,
      owner: 'root:root',
      permissions: '0600',
      content: new LiteralBlock(input.configText),
    },
  ];
  const unmanaged = hotspotInterfaces(config);
  if (unmanaged.length > 0) {
    files.push({
      path: '/etc/NetworkManager/conf.d/90-triporteur-hotspot.conf',
      owner: 'root:root',
      permissions: '0644',
      content: new LiteralBlock(networkManagerConf(unmanaged)),
    });
  }
  if (config.depot && input.depotPassphrase !== undefined) {
    files.push({
      path: config.depot.pskFile,
      owner: 'root:root',
      permissions: '0600',
      content: `${input.depotPassphrase}\n`,
    });
  }
  const country = config.hotspot?.wifi.countryCode ?? 'FR';
  const document: Record<string, YamlValue> = {
    hostname: input.unitId,
    manage_etc_hosts: true,
    timezone: config.legalLog?.timeZone ?? 'Europe/Paris',
    ssh_pwauth: false,
    disable_root: true,
    users: [
      {
        name: TECHNICIAN_USER,
        gecos: 'Technicien triporteur',
        groups: ['sudo', 'adm', 'dialout', 'systemd-journal'],
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
        ssh_authorized_keys: [...input.sshKeys],
      },
    ],
    package_update: true,
    packages,
    write_files: files,
    runcmd: [
      // Raspberry Pi OS keeps Wi-Fi rfkill-blocked until a country is set; hostapd could not start.
      ['sh', '-c', `raspi-config nonint do_wifi_country ${country} || rfkill unblock wifi`],
      ...(input.sshKeys.length > 0 ? [['systemctl', 'enable', '--now', 'ssh']] : []),
      // The boot partition is FAT, readable by anyone holding the card: its copy of the secrets goes
      // as soon as cloud-init has them (the instance id keeps this file from being applied again).
      ['sh', '-c', `printf '${SCRUBBED_USER_DATA.replaceAll('\n', '\\n')}' > ${BOOT_DIR}/user-data`],
      ['bash', INSTALLER_PATH, '--config', UNIT_CONFIG_PATH],
    ],
  };
  return toYaml(document, [
    '#cloud-config',
    `# Triporteur connecté, unité ${input.unitId} (${input.name.replace(/[^\p{L}\p{N} ._'()-]/gu, '')}).`,
    '# Écrit par `triporteur-dashboard provision` : le relancer plutôt que de modifier ce fichier.',
    '# Contient le mot de passe MQTT de l’unité : à ne copier que sur la carte SD de cette unité.',
  ]);
}

/**
 * netplan v2, rendered by NetworkManager as Raspberry Pi OS does. Only the uplink toward the 4G router
 * is listed (DHCP from it); the hotspot's radio is left out, and user-data's NetworkManager drop-in
 * keeps it unmanaged for hostapd. A wwan modem is ModemManager's, not netplan's.
 */
export function renderNetworkConfig(config: Readonly<EdgeConfig>): string {
  const uplinks = (config.hotspot?.uplink.interfaces ?? ['eth0']).filter((name) => !name.startsWith('wwan'));
  const ethernets: Record<string, YamlValue> = {};
  // Required: the first boot installs packages through it, so cloud-init must wait for its address.
  for (const name of uplinks) ethernets[name] = { dhcp4: true, dhcp6: false, optional: false };
  return toYaml({ network: { version: 2, renderer: 'NetworkManager', ethernets } }, [
    '# Triporteur : adresse donnée par le routeur 4G (DHCP). Le Wi-Fi n’est pas listé : il est à hostapd.',
  ]);
}

/** The instance id is the unit id: cloud-init applies user-data once per unit, not at every boot. */
export function renderMetaData(unitId: string): string {
  return toYaml({ 'instance-id': unitId, 'local-hostname': unitId, dsmode: 'local' });
}

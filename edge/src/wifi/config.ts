import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { deepFreeze } from '../config/freeze.js';
import { EdgeError, EdgeErrorCode } from '../errors.js';
import type { HotspotSection } from '../hotspot/edge-config.js';
import { IFNAME_PATTERN } from '../hotspot/system/addresses.js';

/**
 * The `depot` section: join the association's Wi-Fi when parked at base, fall back to the 4G router
 * otherwise. Absent: no depot link. The PSK is not in this file: it is read from `pskFile` at start,
 * so config-get, the birth hash and any copy of the config never carry it.
 */
export const DepotSectionSchema = Type.Object(
  {
    ssid: Type.String({ minLength: 1, maxLength: 32, description: "The depot network's name (1 to 32 bytes)" }),
    pskFile: Type.String({
      pattern: '^/',
      description: 'Absolute path of a file (mode 0600) holding the WPA2 passphrase: 8–63 characters or 64 hex digits',
    }),
    area: Type.Object(
      {
        lat: Type.Number({ minimum: -90, maximum: 90, description: 'Centre of the depot, WGS84 degrees' }),
        lon: Type.Number({ minimum: -180, maximum: 180, description: 'Centre of the depot, WGS84 degrees' }),
        radiusM: Type.Number({
          minimum: 50,
          maximum: 5000,
          default: 80,
          description: 'Inside this distance of the centre counts as at the depot, m; 50 or more, above GPS jitter',
        }),
        dwellS: Type.Integer({
          minimum: 0,
          maximum: 3600,
          default: 120,
          description: 'Parked once still inside the circle this long, s: a tricycle passing by is not parked',
        }),
      },
      { additionalProperties: false },
    ),
    stillKmh: Type.Optional(
      Type.Number({ minimum: 0, maximum: 10, description: 'Still at or below this GPS speed, km/h (default 1)' }),
    ),
    interface: Type.Optional(
      Type.String({
        pattern: IFNAME_PATTERN,
        description:
          "The radio that joins the depot network; default: the hotspot's (one radio, so the hotspot stops while at the depot)",
      }),
    ),
    checkIntervalS: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 30,
      description: 'How often the link is reconsidered (parked or not, still joined or not), s',
    }),
    retryS: Type.Integer({
      minimum: 10,
      maximum: 86_400,
      default: 300,
      description: 'After a failed join or a dropped link, wait this long on the 4G router before trying again, s',
    }),
    joinTimeoutS: Type.Integer({
      minimum: 5,
      maximum: 300,
      default: 45,
      description: 'How long NetworkManager may take to join (nmcli --wait), s',
    }),
  },
  { additionalProperties: false },
);

export type DepotSection = Static<typeof DepotSectionSchema>;

/** The radio used when the section names none: the hotspot's (`hotspot.wifi.interface`), else the Pi's own. */
export function depotInterfaceOf(section: Pick<DepotSection, 'interface'>, hotspotRadio: string | undefined): string {
  return section.interface ?? hotspotRadio ?? 'wlan0';
}

/**
 * Rules a schema cannot say; EDG_CONFIG_INVALID names the field. An SSID is 32 bytes, not characters.
 * A shared radio cannot join a network while it is a bridge port: NetworkManager cannot make a bridged
 * interface a station, so that layout needs a second adapter.
 */
export function checkDepotSection(section: DepotSection, hotspot: HotspotSection | undefined, field = 'depot'): void {
  const invalid = (path: string, message: string) =>
    new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}/${path}": ${message}`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (Buffer.byteLength(section.ssid, 'utf8') > 32 || /[\u0000-\u001f\u007f]/.test(section.ssid)) {
    throw invalid('ssid', 'must be 1 to 32 bytes (UTF-8) with no control characters');
  }
  const radio = depotInterfaceOf(section, hotspot?.wifi.interface);
  if (hotspot && radio === hotspot.wifi.interface && hotspot.residents.interface !== radio) {
    throw invalid(
      'interface',
      `the hotspot's radio ${radio} is inside ${hotspot.residents.interface}: it cannot also join the depot network; set a second adapter here`,
    );
  }
  if (hotspot?.uplink.interfaces.includes(radio)) {
    throw invalid('interface', `${radio} is the 4G router's side (hotspot.uplink.interfaces), not a radio`);
  }
}

/** Fills the defaults, validates, cross-checks and freezes a section on its own (tests, tools). */
export function validateDepotSection(
  input: unknown,
  hotspot?: HotspotSection,
  field = 'depot',
): Readonly<DepotSection> {
  const withDefaults = Value.Default(DepotSectionSchema, Value.Clone(input ?? {}));
  const first = Value.Errors(DepotSectionSchema, withDefaults).First();
  if (first) {
    throw new EdgeError(EdgeErrorCode.CONFIG_INVALID, `config field "${field}${first.path}": ${first.message}`);
  }
  const section = withDefaults as DepotSection;
  checkDepotSection(section, hotspot, field);
  return deepFreeze(section);
}

import { CEILINGS, detectWifiCapacity } from '../../wifi/capacity.js';
import type { DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { notConfigured, pass, warn } from '../result.js';

const ID = 'wifi-ceiling';
const MINIMAL_FIX =
  'Passer la puce au micrologiciel « minimal » (environ 19 clients) : `sudo update-alternatives --set cyfmac43455-sdio.bin /lib/firmware/cypress/cyfmac43455-sdio-minimal.bin` puis `sudo reboot` (docs/wifi-capacity.md), ou ajouter un adaptateur USB.';

/**
 * How many phones the radio can hold (wifi/capacity.ts): the stock CYW43455 firmware's ~8 is a real
 * limit at a busy stop, so it is a warning with the way out; a radio doctor cannot identify gets the
 * same conservative 8 and a warning asking for a measured figure.
 */
export const wifiCeilingCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Nombre de clients Wi-Fi possibles',
  async run(context) {
    const section = context.config.hotspot;
    if (!section) return notConfigured(ID, 'pas de hotspot dans la configuration');
    const capacity = await detectWifiCapacity({ interface: section.wifi.interface, root: context.root });
    const configured = section.wifi.maxStations;
    const limit =
      configured === undefined ? '' : ` ; la configuration en demande ${configured} (hotspot.wifi.maxStations)`;
    const chip = capacity.chip ? `${capacity.chip} (${capacity.driver ?? 'pilote inconnu'})` : 'radio non identifiée';
    if (capacity.basis === 'cyw43455-minimal') {
      const over = configured !== undefined && configured > capacity.ceiling;
      const detail = `${chip}, micrologiciel minimal : ${capacity.ceiling} clients${limit}`;
      return over
        ? warn(
            ID,
            DoctorCode.WIFI_CEILING_LOW,
            detail,
            `Ramener hotspot.wifi.maxStations à ${capacity.ceiling} au plus.`,
          )
        : pass(ID, detail);
    }
    if (capacity.basis === 'cyw43455-standard') {
      const why = capacity.warnings.length > 0 ? ` (${capacity.warnings.join(' ; ')})` : '';
      return warn(
        ID,
        DoctorCode.WIFI_CEILING_LOW,
        `${chip}, micrologiciel d'origine : environ ${CEILINGS.cyw43455Standard} clients à la fois${why}${limit}`,
        MINIMAL_FIX,
      );
    }
    // A radio doctor cannot identify, with a ceiling someone measured and wrote down: that figure stands.
    if (configured !== undefined)
      return pass(ID, `${chip} : plafond fixé par la configuration à ${configured} clients`);
    return warn(
      ID,
      DoctorCode.WIFI_CEILING_LOW,
      `${chip} sur ${section.wifi.interface} : plafond inconnu, ${capacity.ceiling} supposé (${capacity.warnings.join(' ; ')})${limit}`,
      'Mesurer le nombre de téléphones que la radio accepte et le mettre dans hotspot.wifi.maxStations (docs/wifi-capacity.md).',
    );
  },
};

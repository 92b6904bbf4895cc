import { isModemError, ModemErrorCode } from '../../modem/errors.js';
import { createMmcliReader, type ModemReading } from '../../modem/mmcli-reader.js';
import type { CheckResult, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, frenchNumber, notConfigured, pass, warn } from '../result.js';

const ID = 'modem';

/**
 * LTE RSRP bands as field guides and modem vendors commonly quote them (3GPP TS 36.133 defines the
 * measurement, −140 to −44 dBm, not the bands): above −100 dBm good, −100 to −110 fair, below −110 weak.
 */
export const RSRP_FAIR_DBM = -100;
export const RSRP_WEAK_DBM = -110;
/** Without RSRP (3G, or a modem without extended signal), ModemManager's own quality percentage. */
const WEAK_QUALITY_PCT = 25;

const ABSENT_FIX =
  "Vérifier le relais du modem et le voyant d'alimentation du routeur 4G ; `mmcli -L` doit le lister. Un routeur relié en Ethernet n'a pas besoin de section modem.";
const UNREGISTERED_FIX =
  "Vérifier la carte SIM et son code PIN (`mmcli -m 0`), la couverture à cet endroit, et le forfait auprès de l'opérateur.";
const WEAK_FIX =
  "Vérifier les câbles et l'emplacement des antennes (hors du coffre métallique) ; garer le triporteur quelques mètres plus loin.";

/** The 4G link as ModemManager reports it: a modem there, registered on a network, with a usable signal. */
export const modemCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Modem 4G : présence, réseau et signal',
  async run(context) {
    const section = context.config.modem;
    if (!section) return notConfigured(ID, 'pas de section modem dans la configuration');
    const reader = createMmcliReader(context.commands, {
      logger: context.logger.child({ module: 'doctor-modem' }),
      signalRateS: section.signalRateS,
    });
    let reading: ModemReading;
    try {
      reading = await reader.read();
    } catch (err) {
      if (isModemError(err, ModemErrorCode.TOOL_MISSING)) {
        return fail(
          ID,
          DoctorCode.MODEM_ABSENT,
          "mmcli introuvable : ModemManager n'est pas installé",
          "Installer ModemManager (`apt install modemmanager`), ou retirer la section modem si l'unité passe par un routeur 4G en Ethernet.",
        );
      }
      if (isModemError(err)) {
        const what = err.code === ModemErrorCode.OUTPUT ? 'réponse de mmcli illisible' : 'ModemManager ne répond pas';
        return fail(ID, DoctorCode.MODEM_ABSENT, `${what} (${err.message})`, ABSENT_FIX);
      }
      throw err;
    }
    return judge(reading);
  },
};

function judge(reading: ModemReading): CheckResult {
  if (!reading.present) return fail(ID, DoctorCode.MODEM_ABSENT, 'ModemManager ne voit aucun modem', ABSENT_FIX);
  const where = [reading.operator, reading.tech?.toUpperCase()].filter(Boolean).join(', ') || 'réseau sans nom';
  if (reading.registered !== true) {
    return fail(
      ID,
      DoctorCode.MODEM_UNREGISTERED,
      `modem présent mais sur aucun réseau (état ${reading.state ?? 'inconnu'})`,
      UNREGISTERED_FIX,
    );
  }
  if (reading.rsrpDbm !== undefined) {
    const rsrp = `RSRP ${frenchNumber(reading.rsrpDbm)} dBm`;
    if (reading.rsrpDbm < RSRP_WEAK_DBM) {
      return warn(ID, DoctorCode.SIGNAL_WEAK, `${where} : signal faible, ${rsrp} (sous ${RSRP_WEAK_DBM})`, WEAK_FIX);
    }
    const band = reading.rsrpDbm < RSRP_FAIR_DBM ? 'moyen' : 'bon';
    return pass(ID, `${where} : signal ${band}, ${rsrp}`);
  }
  if (reading.signalPct !== undefined) {
    const quality = `qualité ${reading.signalPct} % (pas de RSRP)`;
    return reading.signalPct < WEAK_QUALITY_PCT
      ? warn(ID, DoctorCode.SIGNAL_WEAK, `${where} : signal faible, ${quality}`, WEAK_FIX)
      : pass(ID, `${where} : ${quality}`);
  }
  return pass(ID, `${where} : enregistré, force du signal non communiquée par le modem`);
}

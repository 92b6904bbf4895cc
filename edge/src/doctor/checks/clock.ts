import type { DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { firstLine, pass, warn } from '../result.js';
import { runTool } from './tool.js';

const ID = 'clock';
/** chrony's reference ids for a receiver on the unit (refclock SHM/SOCK/PPS with their usual refid). */
const GPS_REFIDS = new Set(['GPS', 'NMEA', 'PPS', 'GPSD', 'SHM0', 'SHM1', 'SOCK']);

interface ClockAnswer {
  /** undefined: this tool could not say. */
  synced?: boolean;
  /** The reference chrony follows ("GPS", "ntp.example.org"); chrony only. */
  source?: string;
  /** What the tool said when it could not answer, for the detail. */
  trouble?: string;
}

/**
 * Whether the system clock is synchronised, and from what. The Pi has no battery-backed clock: until NTP
 * over the 4G link or the GPS sets it, timestamps are the last shutdown's. The GPS fix itself is the serial
 * checks' (doctor/serial); this check only says whether the GPS is the clock's source when one is configured.
 */
export const clockCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: "Synchronisation de l'horloge",
  async run(context) {
    const [timedated, chrony] = await Promise.all([fromTimedatectl(context), fromChrony(context)]);
    const synced = timedated.synced === true || chrony.synced === true;
    const gpsSource = chrony.source !== undefined && GPS_REFIDS.has(chrony.source.toUpperCase());
    const source = chrony.source ? `source : ${gpsSource ? `GPS (${chrony.source})` : chrony.source}` : 'source : NTP';
    const gpsNote =
      context.config.gps && !gpsSource
        ? " ; le GPS configuré n'est pas une source de l'horloge (chrony ne le suit pas)"
        : '';
    if (synced) return pass(ID, `horloge synchronisée, ${source}${gpsNote}`);
    const fix =
      'Attendre la 4G ou le fix GPS, puis relancer doctor ; `timedatectl` et `chronyc sources` montrent ce qui manque. En attendant, les enregistrements gardent leur ordre (démarrage, numéro).';
    if (timedated.synced === false || chrony.synced === false) {
      return warn(ID, DoctorCode.CLOCK_UNSYNCED, `horloge non synchronisée${gpsNote}`, fix);
    }
    const trouble = [timedated.trouble, chrony.trouble].filter(Boolean).join(' ; ');
    return warn(
      ID,
      DoctorCode.CLOCK_UNSYNCED,
      `état de synchronisation illisible (${trouble})`,
      'Ni timedatectl ni chronyc ne répondent : systemd-timesyncd ou chrony doit tourner (`systemctl status systemd-timesyncd chrony`).',
    );
  },
};

/** `timedatectl show -p NTPSynchronized` prints "NTPSynchronized=yes" or "=no" (systemd timedatectl(1)). */
async function fromTimedatectl(context: DoctorContext): Promise<ClockAnswer> {
  const answer = await runTool(context, 'timedatectl', ['show', '-p', 'NTPSynchronized']);
  if (!answer.ok) return { trouble: answer.detail };
  const match = /^NTPSynchronized=(yes|no)$/m.exec(answer.result.stdout);
  if (answer.result.code === 0 && match) return { synced: match[1] === 'yes' };
  return {
    trouble: `timedatectl : ${firstLine(answer.result.stderr) || firstLine(answer.result.stdout) || `code ${answer.result.code}`}`,
  };
}

/**
 * `chronyc -n tracking` (chrony client.c process_cmd_tracking): "Reference ID    : 47505300 (GPS)" and
 * "Leap status     : Normal" (or "Insert second", "Delete second", "Not synchronised").
 */
async function fromChrony(context: DoctorContext): Promise<ClockAnswer> {
  const answer = await runTool(context, 'chronyc', ['-n', 'tracking']);
  if (!answer.ok) return { trouble: answer.detail };
  const { stdout, stderr, code } = answer.result;
  const leap = /^Leap status\s*:\s*(.+)$/m.exec(stdout)?.[1]?.trim();
  if (code !== 0 || leap === undefined) {
    return { trouble: `chronyc : ${firstLine(stderr) || firstLine(stdout) || `code ${code}`}` };
  }
  const reference = /^Reference ID\s*:\s*[0-9A-Fa-f]{8} \(([^)]*)\)$/m.exec(stdout)?.[1]?.trim();
  const synced = leap !== 'Not synchronised';
  return { synced, ...(synced && reference ? { source: reference } : {}) };
}

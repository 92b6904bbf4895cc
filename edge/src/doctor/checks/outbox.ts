import { dirname, join } from 'node:path';
import type { CheckResult, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, frenchNumber, pass, warn } from '../result.js';
import { readJournalFile } from './journal-file.js';

/** A backlog older than this means the uplink has been down for a while, not a batch in flight. */
export const BACKLOG_WARN_AGE_MS = 3600_000;
/** Past these fractions of the outbox bounds, the oldest records are about to be evicted: data lost. */
export const BACKLOG_FAIL_FRACTION = 0.8;
const BACKLOG_WARN_ROWS_FRACTION = 0.25;
/** Events are rare and each one matters: any left unsent this long is worth a look. */
const EVENTS_WARN_AGE_MS = 3600_000;

const BACKLOG_FIX =
  "Rien à faire si le lien revient : la file se vide seule. Sinon voir les lignes broker et modem : tant qu'elle attend, rien n'est perdu jusqu'aux limites outbox.maxRows et outbox.maxAgeMs.";

const unreadableFix = (path: string) =>
  `Mettre le fichier de côté (\`mv ${path} ${path}.bad\`) puis \`systemctl restart triporteur-edge\` : un nouveau est créé. Envoyer le fichier aux mainteneurs.`;

const age = (ms: number) =>
  ms >= 3600_000 ? `${frenchNumber(ms / 3600_000, 1)} h` : `${frenchNumber(Math.max(0, ms) / 60_000)} min`;

/** Telemetry waiting on the SD card for the broker's acknowledgement. */
export const outboxCheck: DoctorCheck<DoctorContext> = {
  id: 'outbox',
  title: "File d'envoi de la télémétrie",
  async run(context) {
    const { path, maxRows, maxAgeMs } = context.config.outbox;
    const now = context.clock.now();
    if (context.live) {
      const { depth, oldestTs } = context.live.outbox();
      return judgeOutbox(depth, oldestTs, now, maxRows, maxAgeMs, 'outbox');
    }
    const reading = await readJournalFile(path);
    if (reading.kind === 'absent') return pass('outbox', `pas encore de fichier ${path} : rien en attente`);
    if (reading.kind === 'unreadable') {
      return fail('outbox', DoctorCode.OUTBOX_UNREADABLE, `${path} : ${reading.reason}`, unreadableFix(path));
    }
    return judgeOutbox(reading.depth, reading.oldestTs, now, maxRows, maxAgeMs, 'outbox');
  },
};

function judgeOutbox(
  depth: number,
  oldestTs: number | null,
  now: number,
  maxRows: number,
  maxAgeMs: number,
  id: string,
): CheckResult {
  if (depth === 0) return pass(id, 'vide : tout a été reçu par le broker');
  const ageMs = oldestTs === null ? 0 : now - oldestTs;
  const detail = `${frenchNumber(depth)} enregistrement(s) en attente, le plus ancien a ${age(ageMs)}`;
  if (depth >= maxRows * BACKLOG_FAIL_FRACTION || ageMs >= maxAgeMs * BACKLOG_FAIL_FRACTION) {
    return fail(
      id,
      DoctorCode.OUTBOX_BACKLOG,
      `${detail} : les plus anciens vont être supprimés (limites ${frenchNumber(maxRows)} enregistrements, ${age(maxAgeMs)})`,
      BACKLOG_FIX,
    );
  }
  if (depth >= maxRows * BACKLOG_WARN_ROWS_FRACTION || ageMs >= BACKLOG_WARN_AGE_MS) {
    return warn(id, DoctorCode.OUTBOX_BACKLOG, detail, BACKLOG_FIX);
  }
  return pass(id, detail);
}

/** Alarms and state changes (…/events) journaled beside the outbox until the broker acknowledges them. */
export const eventJournalCheck: DoctorCheck<DoctorContext> = {
  id: 'event-journal',
  title: "Événements en attente d'envoi",
  async run(context) {
    if (context.live) {
      const pending = context.live.pendingEvents();
      return pending === 0
        ? pass('event-journal', 'aucun événement en attente')
        : pass('event-journal', `${frenchNumber(pending)} événement(s) en cours d'envoi`);
    }
    const path = join(dirname(context.config.outbox.path), 'events.db');
    const reading = await readJournalFile(path);
    if (reading.kind === 'absent') return pass('event-journal', `pas encore de fichier ${path} : rien en attente`);
    if (reading.kind === 'unreadable') {
      return fail('event-journal', DoctorCode.OUTBOX_UNREADABLE, `${path} : ${reading.reason}`, unreadableFix(path));
    }
    if (reading.depth === 0) return pass('event-journal', 'aucun événement en attente');
    const ageMs = reading.oldestTs === null ? 0 : context.clock.now() - reading.oldestTs;
    const detail = `${frenchNumber(reading.depth)} événement(s) en attente, le plus ancien a ${age(ageMs)}`;
    return ageMs >= EVENTS_WARN_AGE_MS
      ? warn('event-journal', DoctorCode.OUTBOX_BACKLOG, detail, BACKLOG_FIX)
      : pass('event-journal', detail);
  },
};

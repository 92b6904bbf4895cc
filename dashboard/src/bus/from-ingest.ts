import type { IngestNotice } from '../ingest/ingest.js';
import { type FleetSignal, seqRuns } from './signals.js';

/** Runs per signal: keeps a NOTIFY payload far below PostgreSQL's 8,000 bytes. */
const RUNS_PER_SIGNAL = 200;

/** What an ingest notice tells the other processes: the fleet model needs states and new records only. */
export function signalsOf(notice: IngestNotice): FleetSignal[] {
  const { unitId, receivedAt } = notice;
  if (notice.kind === 'state') {
    return [{ kind: 'state', unitId, state: notice.state, bootId: notice.bootId, receivedAt }];
  }
  if (notice.kind !== 'records' || notice.seqs.length === 0) return [];
  const runs = seqRuns(notice.seqs);
  const signals: FleetSignal[] = [];
  for (let i = 0; i < runs.length; i += RUNS_PER_SIGNAL) {
    const seqs = runs.slice(i, i + RUNS_PER_SIGNAL);
    signals.push({ kind: 'records', unitId, bootId: notice.bootId, seqs, receivedAt });
  }
  return signals;
}

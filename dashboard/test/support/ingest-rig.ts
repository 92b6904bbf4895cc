import type { Logger } from 'pino';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../src/broker/embedded.js';
import { type Ingest, type IngestOptions, startIngest } from '../../src/ingest/ingest.js';
import type { FleetStore } from '../../src/store/types.js';
import { UNITS, unitAccounts } from '../helpers.js';

export interface IngestRig {
  broker: EmbeddedBroker;
  ingest: Ingest;
  close(): Promise<void>;
}

/**
 * The test units configured in `store`, the embedded broker with their accounts, and ingest subscribed
 * to it: the set-up every ingest test starts from. `overrides` tune ingest (clock, retries, notices).
 */
export async function startIngestRig(
  store: FleetStore,
  logger: Logger,
  overrides: Partial<Omit<IngestOptions, 'url' | 'store' | 'logger'>> = {},
): Promise<IngestRig> {
  const units = await unitAccounts();
  await store.upsertUnits(units);
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    units,
    ingest: { username: 'dashboard-ingest' },
    logger,
  });
  const ingest = await startIngest({
    url: broker.url,
    ...broker.ingestLogin,
    unitIds: UNITS.map((u) => u.id),
    store,
    logger,
    ...overrides,
  });
  return {
    broker,
    ingest,
    close: async () => {
      await ingest.close();
      await broker.close();
    },
  };
}

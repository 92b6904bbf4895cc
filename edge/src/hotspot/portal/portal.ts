import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@triporteur/firmware-bridge';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { EdgeError, EdgeErrorCode } from '../../errors.js';
import type { SessionGate } from '../gate.js';
import { createPortalApp, type TlsFiles } from './app.js';
import { loadCatalogs } from './catalog.js';
import { type PortalConfig, validatePortalConfig } from './config.js';
import { PortalCore } from './core.js';
import type { QuestionnaireTotals } from './questionnaire.js';

export interface PortalOptions {
  gate: SessionGate;
  config: PortalConfig;
  logger: Logger;
  clock: Clock;
}

export interface Portal {
  /** The port-80 app: captured traffic, probes, and the pages. */
  readonly http: FastifyInstance;
  /** The same pages plus the RFC 8908 API over TLS; only when certFile and keyFile are configured. */
  readonly https: FastifyInstance | undefined;
  /** Where captured requests are redirected: http://<portalHostname>/. */
  landingUrl(): string;
  /** The value for DHCP option 114, or undefined without a certificate (then option 114 must not be sent). */
  captiveApiUrl(): string | undefined;
  /** The questionnaire's counters since local midnight: aggregates only. */
  questionnaireTotals(): QuestionnaireTotals;
  /** What telemetry carries: the same counters while the questionnaire is enabled, undefined while it is off. */
  questionnaireToday(): QuestionnaireTotals | undefined;
  close(): Promise<void>;
}

export interface RunningPortal extends Portal {
  readonly httpPort: number;
  readonly httpsPort: number | undefined;
}

function readTls(config: Readonly<PortalConfig>): TlsFiles | undefined {
  if (config.certFile === undefined || config.keyFile === undefined) return undefined;
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new EdgeError(EdgeErrorCode.CONFIG_READ, `cannot read portal TLS file ${path}`, { cause: err });
    }
  };
  return { cert: read(config.certFile), key: read(config.keyFile) };
}

function assemble(options: PortalOptions): { portal: Portal; core: PortalCore } {
  const config = validatePortalConfig(options.config);
  const log = options.logger.child({ module: 'portal' });
  const core = new PortalCore(options.gate, config, log, loadCatalogs(), options.clock);
  const http = createPortalApp(core);
  const tls = readTls(config);
  const https = tls ? createPortalApp(core, tls) : undefined;
  const portal: Portal = {
    http,
    https,
    landingUrl: () => core.urls.landing(),
    captiveApiUrl: () => core.urls.captiveApi(),
    questionnaireTotals: () => core.tally.totals(),
    questionnaireToday: () => (config.questionnaire.enabled ? core.tally.totals() : undefined),
    close: async () => {
      await Promise.all([http.close(), https?.close()]);
    },
  };
  return { portal, core };
}

/** Builds the portal without listening: tests drive it with inject(); startPortal() listens. */
export function buildPortal(options: PortalOptions): Portal {
  return assemble(options).portal;
}

export async function startPortal(options: PortalOptions): Promise<RunningPortal> {
  const { portal, core } = assemble(options);
  const { host } = core.config;
  const boundPort = (app: FastifyInstance) => (app.server.address() as AddressInfo).port;
  try {
    await portal.http.listen({ host, port: core.config.httpPort });
    if (portal.https) await portal.https.listen({ host, port: core.config.httpsPort });
  } catch (err) {
    await portal.close();
    throw err;
  }
  // With port 0 (tests) these are the ports the system gave.
  const ports = { httpPort: boundPort(portal.http), httpsPort: portal.https ? boundPort(portal.https) : undefined };
  core.log.info(ports, 'portal listening');
  return { ...portal, ...ports };
}

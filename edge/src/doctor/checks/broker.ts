import { randomBytes } from 'node:crypto';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { CheckResult, DoctorCheck } from '../check.js';
import { DoctorCode } from '../codes.js';
import type { DoctorContext } from '../context.js';
import { fail, pass } from '../result.js';

const ID = 'broker';
/** CONNACK return codes (MQTT 3.1.1: 4, 5) and reason codes (MQTT 5: 134, 135) that refuse the credentials. */
const AUTH_REFUSED = new Set([4, 5, 134, 135]);
const AUTH_FIX =
  "Les identifiants du broker ont changé côté flotte, ou la configuration vient d'une autre unité : reprovisionner l'unité (docs/provisioning.md) et remettre sa configuration.";
const UNREACHABLE_FIX =
  "Vérifier d'abord la 4G (lignes modem) ; puis `mqtt.url` dans la configuration. La télémétrie attend dans la file d'envoi.";

type Outcome = { kind: 'online' } | { kind: 'refused'; code: number } | { kind: 'unreachable'; reason: string };

/**
 * The fleet broker with the unit's own credentials. From the command line it dials a second, separate
 * session (its own client id, clean, no will) and hangs up at once: it never publishes as the unit and
 * never takes over the service's session. Inside the service it reads the service's own session state.
 */
export const brokerCheck: DoctorCheck<DoctorContext> = {
  id: ID,
  title: 'Connexion et identifiants du broker MQTT',
  async run(context) {
    const { mqtt } = context.config;
    if (context.live) return fromLiveSession(context.live.uplink(), mqtt.url);
    const outcome = await dial(context);
    if (outcome.kind === 'online') return pass(ID, `connecté à ${mqtt.url} en tant que « ${mqtt.username} »`);
    if (outcome.kind === 'refused') {
      return fail(
        ID,
        DoctorCode.BROKER_AUTH,
        `${mqtt.url} refuse l'utilisateur « ${mqtt.username} » (code de retour ${outcome.code})`,
        AUTH_FIX,
      );
    }
    return fail(ID, DoctorCode.BROKER_UNREACHABLE, `${mqtt.url} injoignable : ${outcome.reason}`, UNREACHABLE_FIX);
  },
};

function fromLiveSession(status: string, url: string): CheckResult {
  if (status === 'online') return pass(ID, `la session du service est ouverte sur ${url}`);
  if (status === 'refused') {
    return fail(ID, DoctorCode.BROKER_AUTH, `${url} a refusé les identifiants du service`, AUTH_FIX);
  }
  return fail(ID, DoctorCode.BROKER_UNREACHABLE, `la session du service est « ${status} » (${url})`, UNREACHABLE_FIX);
}

async function dial(context: DoctorContext): Promise<Outcome> {
  const { config, clock, probeTimeoutMs } = context;
  const { mqtt } = config;
  const options: IClientOptions = {
    // Never the service's id (`<unit>-edge`): the broker would drop the service's session for ours.
    clientId: `${config.unitId}-doctor-${randomBytes(3).toString('hex')}`,
    username: mqtt.username,
    password: mqtt.password,
    protocolVersion: mqtt.protocolVersion,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: probeTimeoutMs,
  };
  if (mqtt.caFile) {
    try {
      options.ca = Buffer.from(await context.readFile(mqtt.caFile));
    } catch (err) {
      return { kind: 'unreachable', reason: `certificat CA ${mqtt.caFile} illisible (${(err as Error).message})` };
    }
  }
  let client: MqttClient;
  try {
    client = context.connectMqtt(mqtt.url, options);
  } catch (err) {
    return { kind: 'unreachable', reason: (err as Error).message };
  }
  const outcome = await new Promise<Outcome>((resolve) => {
    let lastError = 'connexion fermée sans réponse';
    const timer = clock.setTimeout(
      () => resolve({ kind: 'unreachable', reason: `pas de réponse en ${Math.round(probeTimeoutMs / 1000)} s` }),
      probeTimeoutMs,
    );
    const settle = (value: Outcome) => {
      clock.clearTimeout(timer);
      resolve(value);
    };
    client.once('connect', () => settle({ kind: 'online' }));
    client.on('error', (err: Error & { code?: unknown }) => {
      if (typeof err.code === 'number' && AUTH_REFUSED.has(err.code)) settle({ kind: 'refused', code: err.code });
      else lastError = describe(err);
    });
    client.once('close', () => settle({ kind: 'unreachable', reason: lastError }));
  });
  // A clean DISCONNECT when connected; otherwise just drop the socket.
  await client.endAsync(outcome.kind !== 'online').catch(() => undefined);
  return outcome;
}

function describe(err: Error & { code?: unknown }): string {
  if (err.code === 'ECONNREFUSED') return 'connexion refusée (rien n’écoute sur ce port)';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'nom du broker introuvable (DNS)';
  return err.message;
}

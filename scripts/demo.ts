import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  hashSecret,
  isDashboardError,
  type RunningDashboard,
  startDashboard,
  validateDashboardConfig,
} from '@triporteur/dashboard';
import {
  describeFailure as describeEdgeFailure,
  type SimulatedTricycle,
  startSimulatedTricycle,
} from '@triporteur/edge';
import { pino } from 'pino';

/**
 * `npm run demo`: the dashboard with its embedded broker and SQLite, plus two simulated tricycles,
 * each a real edge service reading a simulated BMS over a pseudo-terminal.
 * Environment: PORT (default 8080, falls back to a free port), DEMO_DATA_DIR, DEMO_TIME_SCALE, LOG_LEVEL.
 */
const UNITS = [
  { id: 'tri-demo-01', name: 'Triporteur Vaulx-en-Velin', initialSocPct: 92 },
  { id: 'tri-demo-02', name: 'Triporteur Vénissieux', initialSocPct: 58 },
];

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const dataDir = process.env.DEMO_DATA_DIR ?? join(import.meta.dirname, '..', '..', '.data', 'demo');
  await mkdir(dataDir, { recursive: true });
  const timeScale = Number(process.env.DEMO_TIME_SCALE ?? 30);
  const requestedPort = Number(process.env.PORT ?? 8080);

  // Fresh credentials every run: the demo never ships a fixed password.
  const secrets = new Map(UNITS.map((u) => [u.id, randomBytes(18).toString('base64url')]));
  const hashes = new Map<string, string>();
  for (const [id, secret] of secrets) hashes.set(id, await hashSecret(secret));
  const configFor = (port: number) =>
    validateDashboardConfig({
      configVersion: 1,
      // Loopback only, so plain-HTTP session cookies are allowed.
      http: { host: '127.0.0.1', port, cookieSecure: false },
      broker: { mode: 'embedded', host: '127.0.0.1', port: 0 },
      store: { path: join(dataDir, 'fleet.db') },
      units: UNITS.map((u) => ({ id: u.id, name: u.name, secretHash: hashes.get(u.id) })),
    });

  let dashboard: RunningDashboard;
  try {
    dashboard = await startDashboard(configFor(requestedPort), { logger });
  } catch (err) {
    if (!(isDashboardError(err) && err.code === 'DSH_PORT_IN_USE' && process.env.PORT === undefined)) throw err;
    dashboard = await startDashboard(configFor(0), { logger });
  }

  // A coordinator account with a fresh password each run (the demo's database outlives a run).
  const login = { username: 'coordination', password: randomBytes(12).toString('base64url') };
  if (await dashboard.users.findByUsername(login.username)) {
    await dashboard.users.setPassword(login.username, login.password);
  } else {
    await dashboard.users.createUser({ ...login, role: 'coordinator', displayName: 'Coordination (démo)' });
  }

  const tricycles: SimulatedTricycle[] = [];
  for (const unit of UNITS) {
    const spec = {
      unitId: unit.id,
      password: secrets.get(unit.id) ?? '',
      initialSocPct: unit.initialSocPct,
      timeScale,
      sampleIntervalMs: 2000,
      batchIntervalMs: 4000,
      // Ride two minutes, stand one at a stop: the map shows both.
      legMs: { ride: 120_000, park: 60_000 },
      outboxPath: join(dataDir, `${unit.id}-outbox.db`),
    };
    tricycles.push(await startSimulatedTricycle(spec, dashboard.mqttUrl, logger));
  }

  process.stdout.write(
    [
      '',
      'Triporteur connecté — démo',
      `  Tableau de bord : ${dashboard.httpUrl}/`,
      `  Connexion : identifiant « ${login.username} », mot de passe « ${login.password} »`,
      `  Broker MQTT (aedes intégré) : ${dashboard.mqttUrl}`,
      ...tricycles.map((t) => {
        const { bms, gps } = t.devices.config;
        return `  ${t.unitId} : BMS, contrôleur, GPS et carte Arduino simulés (${t.link === 'pty' ? `ex. BMS ${bms?.path}, GPS ${gps?.path}` : 'liaisons en mémoire, socat absent'})`;
      }),
      `  Données : ${dataDir}`,
      'Ouvrez l’adresse du tableau de bord dans votre navigateur. Ctrl+C pour arrêter.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const t of tricycles) await t.stop().catch(() => {});
    await dashboard.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  const line = isDashboardError(err) ? `error ${err.code}: ${err.message}` : describeEdgeFailure(err).line;
  process.stderr.write(`${line}\n`);
  process.exit(1);
});

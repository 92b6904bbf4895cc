import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { CommandRouter } from '../src/commands/router.js';
import { cmdTopic } from '../src/contract/commands.js';
import { EdgeError, EdgeErrorCode, isEdgeError } from '../src/errors.js';
import { startTestBroker } from './support/aedes-broker.js';
import { startAclAedes } from './support/commands-acl-broker.js';
import {
  connectUnit,
  gate,
  outcome,
  randomId,
  recordingContext,
  sleep,
  startRouter,
  TECH,
  TECH_PASSWORD,
  Technician,
  UNIT,
  UNIT_PASSWORD,
  until,
  useRouterHarness,
} from './support/commands-rig.js';

const h = useRouterHarness();

describe('command router: failing handlers', () => {
  it('answers EDG_CMD_FAILED when a handler throws, and keeps serving', async () => {
    await h.serve({
      runDiagnostics: () => {
        throw new Error('i2c bus stuck');
      },
    });
    const reply = await h.tech.request('run-diagnostics');
    expect(outcome(reply)).toBe(EdgeErrorCode.CMD_FAILED);
    expect(!reply.ok && reply.error.message).toContain('i2c bus stuck');
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
  });

  it("passes an EdgeError's own code through", async () => {
    await h.serve({
      startCapture: async () => {
        throw new EdgeError(EdgeErrorCode.SERIAL_OPEN, 'cannot open /dev/ttyUSB9');
      },
    });
    expect(outcome(await h.tech.request('capture-start', { port: '/dev/ttyUSB9' }))).toBe(EdgeErrorCode.SERIAL_OPEN);
  });

  it('answers EDG_CMD_TIMEOUT when a handler hangs, and keeps serving', async () => {
    await h.serve({ runDiagnostics: () => new Promise(() => {}) }, { timeoutsMs: { 'run-diagnostics': 150 } });
    expect(outcome(await h.tech.request('run-diagnostics'))).toBe(EdgeErrorCode.CMD_TIMEOUT);
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
  });

  it('answers EDG_CMD_FAILED when a handler returns something outside the contract', async () => {
    await h.serve({ stopCapture: async () => ({ file: '', bytes: -1 }) });
    const reply = await h.tech.request('capture-stop');
    expect(outcome(reply)).toBe(EdgeErrorCode.CMD_FAILED);
    expect(!reply.ok && reply.error.message).toContain('result/');
  });

  it('answers EDG_CMD_BUSY past the in-flight limit', async () => {
    const held = gate();
    let started = false;
    const runDiagnostics = () => {
      started = true;
      return held.promise.then(() => ({ checks: [] }));
    };
    await h.serve({ runDiagnostics }, { maxInFlight: 1 });
    const first = randomId();
    await h.tech.send('run-diagnostics', { v: 1, id: first });
    await until(() => started, 'the first command to start');
    expect(outcome(await h.tech.request('get-status'))).toBe(EdgeErrorCode.CMD_BUSY);
    held.open();
    expect(outcome(await h.tech.reply('run-diagnostics', first))).toBe('ok');
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
  });
});

describe('command router: duplicate request ids', () => {
  it('runs a redelivered request once and replays the same reply', async () => {
    const { calls } = await h.serve();
    const id = randomId();
    const first = await h.tech.request('config-set', { key: 'telemetry.batchIntervalMs', value: 20_000 }, id);
    await h.tech.send('config-set', { v: 1, id, args: { key: 'telemetry.batchIntervalMs', value: 20_000 } });
    await until(() => h.tech.find('config-set', id).length === 2, 'the replayed reply');
    expect(h.tech.find('config-set', id)).toEqual([first, first]);
    expect(calls).toEqual(['setConfig telemetry.batchIntervalMs']);
  });

  it('answers a duplicate that arrives while the first still runs only once', async () => {
    const held = gate();
    let runs = 0;
    await h.serve({
      runDiagnostics: async () => {
        runs += 1;
        await held.promise;
        return { checks: [] };
      },
    });
    const id = randomId();
    await h.tech.send('run-diagnostics', { v: 1, id });
    await h.tech.send('run-diagnostics', { v: 1, id });
    // Delivered in order after both copies: once it is answered, the router has seen the duplicate.
    expect(outcome(await h.tech.request('get-status'))).toBe('ok');
    held.open();
    await h.tech.reply('run-diagnostics', id);
    await sleep(200);
    expect(runs).toBe(1);
    expect(h.tech.find('run-diagnostics', id)).toHaveLength(1);
  });

  it('runs the same id again once the window has passed, and keys on the command name too', async () => {
    const { calls } = await h.serve({}, { dedupeWindowMs: 100 });
    const id = randomId();
    await h.tech.request('get-status', undefined, id);
    expect(outcome(await h.tech.request('config-get', { key: 'unitId' }, id))).toBe('ok');
    await sleep(150);
    await h.tech.send('get-status', { v: 1, id });
    await until(() => h.tech.find('get-status', id).length === 2, 'the second reply');
    expect(calls).toEqual(['getStatus', 'getConfig unitId', 'getStatus']);
  });
});

describe('command router lifecycle', () => {
  it('stops answering after stop()', async () => {
    const { context, calls } = recordingContext();
    const router = await startRouter(h.unit, context);
    router.stop();
    await h.tech.send('get-status', { v: 1, id: 'after-stop' });
    await sleep(200);
    expect(calls).toEqual([]);
    expect(h.tech.replies).toEqual([]);
  });

  it('listens to cmd/<name> one level deep only', async () => {
    const { calls } = await h.serve();
    await h.tech.send('get-status', { v: 1, id: 'nested' });
    await h.tech.client.publishAsync(`${cmdTopic(UNIT, 'get-status')}/deeper`, JSON.stringify({ v: 1, id: 'deep' }), {
      qos: 1,
    });
    await h.tech.reply('get-status', 'nested');
    await sleep(100);
    expect(h.tech.find('get-status', 'deep')).toEqual([]);
    expect(calls).toEqual(['getStatus']);
  });

  it('rejects start() with EDG_CMD_SUBSCRIBE when the broker refuses the cmd subscription', async () => {
    const acl = await startAclAedes({ [UNIT]: UNIT_PASSWORD, 'tri-cmd-02': UNIT_PASSWORD }, TECH);
    h.defer(() => acl.close());
    const intruder = await connectUnit(acl.url, 4, 'tri-cmd-02');
    h.defer(() => intruder.endAsync(true));
    const router = new CommandRouter({ client: intruder, unitId: UNIT, context: recordingContext().context });
    const error = await router.start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isEdgeError(error, EdgeErrorCode.CMD_SUBSCRIBE)).toBe(true);
    expect(intruder.listenerCount('message')).toBe(0);
    // Its own commands are fine on the same broker.
    const own = new CommandRouter({ client: intruder, unitId: 'tri-cmd-02', context: recordingContext().context });
    await expect(own.start()).resolves.toBeUndefined();
  });

  it('answers again after the broker restarts and forgets the session', async () => {
    const first = await startTestBroker({ [UNIT]: UNIT_PASSWORD, [TECH]: TECH_PASSWORD });
    const unit = await mqtt.connectAsync(first.url, {
      username: UNIT,
      password: UNIT_PASSWORD,
      clientId: `${UNIT}-edge`,
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 100,
    });
    h.defer(() => unit.endAsync(true));
    const { context, calls } = recordingContext();
    const router = await startRouter(unit, context);
    h.defer(() => router.stop());
    const before = await Technician.connect(first.url);
    expect(outcome(await before.request('get-status'))).toBe('ok');
    await before.close();
    await first.close();

    // aedes keeps sessions in memory: the new broker knows no subscription, so mqtt.js must resubscribe.
    const second = await startTestBroker({ [UNIT]: UNIT_PASSWORD, [TECH]: TECH_PASSWORD }, first.port);
    h.defer(() => second.close());
    const reconnected = new Promise((resolve) => unit.once('connect', resolve));
    await reconnected;
    await sleep(100);
    const after = await Technician.connect(second.url);
    h.defer(() => after.close());
    expect(outcome(await after.request('get-status'))).toBe('ok');
    expect(calls).toEqual(['getStatus', 'getStatus']);
  });
});

import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe, clientIdOwner, type Principal } from './acl.js';

const unit: Principal = { kind: 'unit', unitId: 'tri-01' };
const ingest: Principal = { kind: 'ingest', username: 'dashboard-ingest' };
const units = new Set(['tri-01', 'tri-02']);

describe('broker ACL', () => {
  it('lets a unit publish only on its own channels and command replies, never to its own commands', () => {
    expect(canPublish(unit, 'triporteur/v1/tri-01/telemetry', units)).toBe(true);
    expect(canPublish(unit, 'triporteur/v1/tri-01/state', units)).toBe(true);
    expect(canPublish(unit, 'triporteur/v1/tri-01/reply/diag', units)).toBe(true);
    expect(canPublish(unit, 'triporteur/v1/tri-02/telemetry', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01-x/telemetry', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01/cmd/restart', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01/cmd', units)).toBe(false);
    expect(canPublish(unit, '$SYS/broker/x', units)).toBe(false);
    // The same list as the generated Mosquitto ACL: nothing else under its own prefix.
    expect(canPublish(unit, 'triporteur/v1/tri-01/debug', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01/reply/', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01/reply/a/b', units)).toBe(false);
    expect(canPublish(unit, 'triporteur/v1/tri-01/telemetry/x', units)).toBe(false);
  });

  it('lets a unit subscribe only to its own commands', () => {
    expect(canSubscribe(unit, 'triporteur/v1/tri-01/cmd/#')).toBe(true);
    expect(canSubscribe(unit, 'triporteur/v1/tri-01/cmd/diag')).toBe(true);
    expect(canSubscribe(unit, 'triporteur/v1/tri-02/cmd/#')).toBe(false);
    expect(canSubscribe(unit, 'triporteur/v1/+/cmd/#')).toBe(false);
    expect(canSubscribe(unit, 'triporteur/v1/#')).toBe(false);
    expect(canSubscribe(unit, 'triporteur/v1/tri-01/#')).toBe(false);
    expect(canSubscribe(unit, '#')).toBe(false);
  });

  it('lets the ingest account read the fleet and send commands to configured units only', () => {
    expect(canSubscribe(ingest, 'triporteur/v1/#')).toBe(true);
    expect(canSubscribe(ingest, 'triporteur/v1/+/telemetry')).toBe(true);
    expect(canSubscribe(ingest, '$share/ingest/triporteur/v1/+/telemetry')).toBe(true);
    expect(canSubscribe(ingest, '#')).toBe(false);
    expect(canSubscribe(ingest, '$SYS/#')).toBe(false);
    expect(canSubscribe(ingest, '$share/#/triporteur/v1/#')).toBe(false);
    expect(canPublish(ingest, 'triporteur/v1/tri-02/cmd/diag', units)).toBe(true);
    expect(canPublish(ingest, 'triporteur/v1/tri-09/cmd/diag', units)).toBe(false);
    expect(canPublish(ingest, 'triporteur/v1/tri-02/state', units)).toBe(false);
    expect(canPublish(ingest, 'triporteur/v1/tri-02/cmd/', units)).toBe(false);
  });

  it('gives a client id to the longest account it starts with', () => {
    const accounts = ['tri-01', 'tri-01-b', 'dashboard-ingest'];
    expect(clientIdOwner('tri-01-edge', accounts)).toBe('tri-01');
    expect(clientIdOwner('tri-01', accounts)).toBe('tri-01');
    expect(clientIdOwner('tri-01-b-edge', accounts)).toBe('tri-01-b');
    expect(clientIdOwner('dashboard-ingest:ingest', accounts)).toBe('dashboard-ingest');
    expect(clientIdOwner('tri-01x', accounts)).toBeUndefined();
    expect(clientIdOwner('', accounts)).toBeUndefined();
  });
});

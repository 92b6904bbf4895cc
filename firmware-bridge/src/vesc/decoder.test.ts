import { describe, expect, it } from 'vitest';
import {
  hex,
  negativeVectors,
  replyVectors,
  requestVectors,
  undecodableFrames,
  VESC_RS_MASK,
} from '../../test/vectors/vesc.js';
import { vescDecoder } from './decoder.js';
import { VescFrameSplitter } from './frame.js';

describe('vescDecoder (ProtocolDecoder)', () => {
  it('is named vesc and makes a fresh splitter each time', () => {
    expect(vescDecoder.name).toBe('vesc');
    const a = vescDecoder.createSplitter();
    expect(a).toBeInstanceOf(VescFrameSplitter);
    a.push(hex('02 4A'));
    expect(vescDecoder.createSplitter().pendingBytes).toBe(0);
  });

  it('decodes every reply vector to a message that survives JSON unchanged', () => {
    for (const v of replyVectors) {
      const outcome = vescDecoder.decode(v.bytes);
      if (!outcome.ok) throw new Error(`${v.name}: ${outcome.reason}`);
      expect(outcome.message).toMatchObject({ direction: 'reply', kind: v.expected.kind });
      expect(JSON.parse(JSON.stringify(outcome.message))).toEqual(outcome.message);
    }
  });

  it('names the fault and writes byte arrays as hex', () => {
    const fault = replyVectors.find((v) => v.name.includes('fault 4'));
    expect(fault && vescDecoder.decode(fault.bytes)).toEqual({
      ok: true,
      message: {
        direction: 'reply',
        kind: 'selectiveValues',
        mask: VESC_RS_MASK,
        values: {
          tempMotorC: 0,
          inputCurrentA: 0.1,
          erpm: -2347,
          inputVoltageV: 37.4,
          tachometer: -18982,
          faultCode: 4,
          faultName: 'abs-over-current',
          controllerId: 20,
        },
        extra: '',
      },
    });
    const fw = replyVectors.find((v) => v.name.startsWith('FW_VERSION from firmware 3.40'));
    expect(fw && vescDecoder.decode(fw.bytes)).toMatchObject({
      ok: true,
      message: { fw: { hardwareName: '410', uuid: '1f002d000e51353033383337' } },
    });
  });

  it('calls a payload of exactly a request shape a request', () => {
    for (const v of requestVectors.filter((r) => r.expected.kind !== 'other')) {
      expect(vescDecoder.decode(v.bytes)).toEqual({ ok: true, message: { direction: 'request', ...v.expected } });
    }
  });

  it('answers ok:false with the error code, never a throw, for frames it cannot use', () => {
    for (const v of [...negativeVectors, ...undecodableFrames]) {
      expect(vescDecoder.decode(v.bytes)).toMatchObject({ ok: false, reason: v.decodeCode });
    }
  });
});

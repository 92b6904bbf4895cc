import { DALY_ALARM_FLAGS, type DalyAlarmFlag } from './alarms.js';
import { DALY_BMS_ADDRESS, DalyDataId, type DalyResponse } from './codec.js';
import { DALY_CELLS_PER_FRAME, DALY_TEMPERATURES_PER_FRAME } from './measurements.js';
import type { DalyPackSnapshot } from './pack.js';
import type { DalyChargeState } from './status.js';

/** What the simulated board is, besides its pack: the parts of its replies that are not measured. */
export interface ReplyContext {
  cells: number;
  sensors: number;
  wireCurrentSign: 1 | -1;
  /** A tripped discharge protection holds the discharge MOSFET open. */
  dischargeBlocked: boolean;
  life: number;
  alarms: readonly DalyAlarmFlag[];
  faultCode: number;
  cycles: number;
  frameBase: 0 | 1;
  allFrames: boolean;
  reverseFrames: boolean;
  dropFrames: readonly number[];
}

/** Frames the protocol has room for: 48 cells, 21 sensors. */
const ALL_CELL_FRAMES = 16;
const ALL_TEMPERATURE_FRAMES = 3;
const STATES: readonly DalyChargeState[] = ['idle', 'charging', 'discharging'];

/** The reply frames a Daly board sends for one read; none for an id it does not know. */
export function simulatedReplies(id: number, pack: DalyPackSnapshot, ctx: ReplyContext): DalyResponse[] {
  const address = DALY_BMS_ADDRESS;
  switch (id) {
    case DalyDataId.soc: {
      const soc = {
        voltageV: pack.voltageV,
        gatherVoltageV: 0,
        wireCurrentA: ctx.wireCurrentSign * pack.currentA,
        socPct: Math.round(pack.socPct * 10) / 10,
      };
      return [{ kind: 'soc', address, id, soc }];
    }
    case DalyDataId.cellVoltageRange: {
      const [max, maxAt, min, minAt] = extremes(pack.cellsV);
      const range = { maxCellV: max, maxCell: maxAt, minCellV: min, minCell: minAt, reserved: [0, 0] };
      return [{ kind: 'cellVoltageRange', address, id, range }];
    }
    case DalyDataId.temperatureRange: {
      const [max, maxAt, min, minAt] = extremes(pack.temperaturesC.length > 0 ? pack.temperaturesC : [-40]);
      const range = { maxC: max, maxSensor: maxAt, minC: min, minSensor: minAt, reserved: [0, 0, 0, 0] };
      return [{ kind: 'temperatureRange', address, id, range }];
    }
    case DalyDataId.mosStatus: {
      const stateCode = pack.currentA > 0.05 ? 1 : pack.currentA < -0.05 ? 2 : 0;
      const mos = {
        stateCode,
        state: STATES[stateCode] ?? 'idle',
        chargeMos: pack.chargeMos,
        dischargeMos: pack.dischargeMos && !ctx.dischargeBlocked,
        life: ctx.life,
        remainingAh: Math.round(pack.remainingAh * 1000) / 1000,
      };
      return [{ kind: 'mosStatus', address, id, mos }];
    }
    case DalyDataId.statusInfo: {
      const off = [false, false, false, false];
      const status = {
        cellCount: ctx.cells,
        sensorCount: ctx.sensors,
        charger: pack.currentA > 0,
        load: pack.currentA < 0,
        inputs: off,
        outputs: off,
        cycles: ctx.cycles,
        reserved: [0],
      };
      return [{ kind: 'statusInfo', address, id, status }];
    }
    case DalyDataId.cellVoltages:
      return frames(pack.cellsV, DALY_CELLS_PER_FRAME, ALL_CELL_FRAMES, 0, ctx).map(
        ({ frame, values }): DalyResponse => ({
          kind: 'cellVoltages',
          address,
          id,
          cells: { frame, cellsV: values, reserved: [0] },
        }),
      );
    case DalyDataId.temperatures:
      // Unused slots read raw 0, which is −40 °C.
      return frames(pack.temperaturesC, DALY_TEMPERATURES_PER_FRAME, ALL_TEMPERATURE_FRAMES, -40, ctx).map(
        ({ frame, values }): DalyResponse => ({
          kind: 'temperatures',
          address,
          id,
          temperatures: { frame, temperaturesC: values },
        }),
      );
    case DalyDataId.balance: {
      // Balancing while not discharging, on cells more than 5 mV above the lowest.
      const lowest = Math.min(...pack.cellsV);
      const balancing = pack.cellsV.map((v) => pack.currentA >= 0 && v - lowest > 0.005);
      return [{ kind: 'balance', address, id, balance: { balancing, reserved: [0, 0] } }];
    }
    case DalyDataId.alarms: {
      const active = new Set([...pack.alarms, ...ctx.alarms]);
      const alarms = {
        flags: DALY_ALARM_FLAGS.filter((f) => active.has(f)),
        otherBits: [0, 0, 0, 0, 0, 0, 0],
        faultCode: ctx.faultCode,
      };
      return [{ kind: 'alarms', address, id, alarms }];
    }
    default:
      return [];
  }
}

/** [max, its 1-based position, min, its position]. */
function extremes(values: number[]): [number, number, number, number] {
  const max = Math.max(...values);
  const min = Math.min(...values);
  return [max, values.indexOf(max) + 1, min, values.indexOf(min) + 1];
}

function frames(
  values: number[],
  perFrame: number,
  allFrames: number,
  pad: number,
  ctx: ReplyContext,
): { frame: number; values: number[] }[] {
  const count = ctx.allFrames ? allFrames : Math.ceil(values.length / perFrame);
  const numbered = Array.from({ length: count }, (_, i) => {
    const slice = values.slice(i * perFrame, (i + 1) * perFrame);
    return { frame: ctx.frameBase + i, values: [...slice, ...Array<number>(perFrame - slice.length).fill(pad)] };
  }).filter((f) => !ctx.dropFrames.includes(f.frame));
  return ctx.reverseFrames ? numbered.reverse() : numbered;
}

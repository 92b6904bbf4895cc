// The six live panels of the unit page: battery, motor, position, hotspot, uplink, system. Each shows the
// last values the unit sent (GET /api/units/:id/state) and how old they are; versions come from the
// unit's birth message (GET /api/units/:id/detail). A value the unit never sent reads "—", not zero.

import { el } from './dom.js';
import { bytes, DASH, duration, isNumber, num } from './unit-format.js';
import { ageLine, fillList, word } from './unit-values.js';

const PANELS = ['battery', 'motor', 'position', 'hotspot', 'uplink', 'system'];
/** Under this many amperes either way the pack is neither charging nor discharging. */
const IDLE_CURRENT_A = 0.05;

/** Max − min of the cell voltages, in mV, with which cells they are (0-based). */
export function cellSpread(cellsV) {
  if (!Array.isArray(cellsV) || cellsV.length < 2) return undefined;
  let min = 0;
  let max = 0;
  cellsV.forEach((v, i) => {
    if (v < cellsV[min]) min = i;
    if (v > cellsV[max]) max = i;
  });
  return { spreadMv: (cellsV[max] - cellsV[min]) * 1000, min, max, minV: cellsV[min], maxV: cellsV[max] };
}

function batteryRows(i18n, v) {
  const t = (key, vars) => i18n.t(key, vars);
  const spread = cellSpread(v.cellsV);
  const current = isNumber(v.currentA)
    ? `${num(i18n, v.currentA)} (${t(v.currentA > IDLE_CURRENT_A ? 'battery.charging' : v.currentA < -IDLE_CURRENT_A ? 'battery.discharging' : 'battery.idle')})`
    : DASH;
  const cell = (volts, index) =>
    spread ? t('battery.cellValue', { volts: num(i18n, volts, 'threeDecimals'), cell: index + 1 }) : DASH;
  const temps =
    Array.isArray(v.temperaturesC) && v.temperaturesC.length > 0
      ? v.temperaturesC.map((c) => num(i18n, c)).join(' ; ')
      : DASH;
  const flags = Array.isArray(v.protection)
    ? v.protection.length === 0
      ? t('battery.noProtection')
      : v.protection.map((flag) => word(i18n, 'protection', flag)).join(', ')
    : DASH;
  const fets = v.fets
    ? t('battery.fetsValue', {
        charge: t(v.fets.charge ? 'battery.fetOn' : 'battery.fetOff'),
        discharge: t(v.fets.discharge ? 'battery.fetOn' : 'battery.fetOff'),
      })
    : DASH;
  const capacity =
    isNumber(v.remainingAh) && isNumber(v.nominalAh)
      ? t('value.outOf', { value: num(i18n, v.remainingAh), max: num(i18n, v.nominalAh) })
      : num(i18n, v.remainingAh);
  return [
    ['battery.soc', num(i18n, v.socPct, 'integer'), 'battery.soc'],
    ['battery.voltage', num(i18n, v.voltageV), 'battery.voltage'],
    ['battery.current', current, 'battery.current'],
    ['battery.spread', spread ? num(i18n, spread.spreadMv, 'integer') : DASH, 'battery.spread'],
    ['battery.cellMin', cell(spread?.minV, spread?.min), 'battery.cellMin'],
    ['battery.cellMax', cell(spread?.maxV, spread?.max), 'battery.cellMax'],
    ['battery.temperatures', temps, 'battery.temperatures'],
    ['battery.protection', flags, 'battery.protection'],
    ['battery.fets', fets, 'battery.fets'],
    ['battery.capacity', capacity, 'battery.capacity'],
    ['battery.cycles', num(i18n, v.cycles, 'integer'), 'battery.cycles'],
    ['battery.link', word(i18n, 'device', v.state), 'battery.link'],
  ];
}

function motorRows(i18n, v) {
  const fault =
    v.faultCode === 0
      ? i18n.t('motor.noFault')
      : isNumber(v.faultCode)
        ? i18n.t('motor.faultValue', { name: word(i18n, 'fault', v.faultName), code: v.faultCode })
        : word(i18n, 'fault', v.faultName);
  return [
    ['motor.state', word(i18n, 'device', v.state), 'motor.state'],
    ['motor.speed', num(i18n, v.speedKmh), 'motor.speed'],
    ['motor.power', num(i18n, v.powerW, 'integer'), 'motor.power'],
    ['motor.controllerTemp', num(i18n, v.controllerTempC), 'motor.controllerTemp'],
    ['motor.motorTemp', num(i18n, v.motorTempC), 'motor.motorTemp'],
    ['motor.fault', fault, 'motor.fault'],
  ];
}

function positionRows(i18n, v) {
  const place = v.paused
    ? i18n.t('positionPaused')
    : isNumber(v.lat) && isNumber(v.lon)
      ? i18n.t('positionValue', {
          lat: i18n.format.coordinate.format(v.lat),
          lon: i18n.format.coordinate.format(v.lon),
        })
      : i18n.t('positionUnknown');
  return [
    ['position.fix', word(i18n, 'fix', v.fix), 'position.fix'],
    ['position.place', place, 'position.place'],
    ['position.satellites', num(i18n, v.satellites, 'integer'), 'position.satellites'],
    ['position.speed', v.paused ? DASH : num(i18n, v.speedKmh), 'position.speed'],
  ];
}

/**
 * The capacity line: residents connected against the unit's client ceiling (`capacity`, which older
 * edges do not send: then the associated stations alone).
 */
function hotspotRows(i18n, v) {
  const ceiling = v.capacity;
  const connected = isNumber(v.stationsNow) ? v.stationsNow : v.sessionsNow;
  const stations = isNumber(connected)
    ? isNumber(ceiling)
      ? i18n.t('value.slash', { value: num(i18n, connected, 'integer'), max: num(i18n, ceiling, 'integer') })
      : num(i18n, connected, 'integer')
    : DASH;
  const rows = [
    ['hotspot.usersNow', num(i18n, v.sessionsNow, 'integer'), 'hotspot.usersNow'],
    ['hotspot.sessionsToday', num(i18n, v.sessionsToday, 'integer'), 'hotspot.sessionsToday'],
    ['hotspot.devicesToday', num(i18n, v.distinctDevicesToday, 'integer'), 'hotspot.devicesToday'],
    [isNumber(ceiling) ? 'hotspot.capacityMax' : 'hotspot.capacity', stations, 'hotspot.capacity'],
  ];
  if (isNumber(v.refusedFullToday))
    rows.push(['hotspot.refusedToday', num(i18n, v.refusedFullToday, 'integer'), 'hotspot.refusedToday']);
  if (isNumber(v.channel)) rows.push(['hotspot.channel', channelText(i18n, v), 'hotspot.channel']);
  return rows;
}

/**
 * The radio's channel and why it is that one: the start's site survey (with the neighbours it heard),
 * the config, or a hostapd that was already on air. Older edges send no channel: no row then.
 */
function channelText(i18n, v) {
  const channel = num(i18n, v.channel, 'integer');
  if (v.channelSource === 'scan' && isNumber(v.networksSeen)) {
    const form = new Intl.PluralRules(i18n.lang).select(v.networksSeen) === 'one' ? 'one' : 'other';
    return i18n.t(`hotspot.channelScan.${form}`, { channel, count: num(i18n, v.networksSeen, 'integer') });
  }
  if (v.channelSource === 'configured') return i18n.t('hotspot.channelConfigured', { channel });
  if (v.channelSource === 'running') return i18n.t('hotspot.channelRunning', { channel });
  return i18n.t('hotspot.channelOnly', { channel });
}

/** Month data against the budget: a labelled <meter> and the same in words. */
function dataUse(i18n, used, budget) {
  if (!isNumber(used)) return DASH;
  if (!isNumber(budget) || budget <= 0) return i18n.t('uplink.usedNoBudget', { used: bytes(i18n, used) });
  const text = i18n.t('uplink.usedOfBudget', {
    used: bytes(i18n, used),
    budget: bytes(i18n, budget),
    pct: i18n.format.percent.format(used / budget),
  });
  const meter = el('meter', {
    min: '0',
    max: String(budget),
    value: String(Math.min(used, budget)),
    low: String(budget * 0.75),
    high: String(budget * 0.9),
    optimum: '0',
    'aria-labelledby': 'panel-uplink-uplink-month',
    'aria-describedby': 'uplink-month-text',
  });
  return el('span', { class: 'meter-value' }, [meter, el('span', { id: 'uplink-month-text' }, [text])]);
}

function uplinkRows(i18n, v, budget) {
  const rows = [
    ['uplink.signal', num(i18n, v.signalPct, 'integer'), 'uplink.signal'],
    ['uplink.month', dataUse(i18n, v.monthBytes, budget), 'uplink.month'],
    ['uplink.outbox', num(i18n, v.outboxDepth, 'integer'), 'uplink.outbox'],
    ['uplink.reconnects', num(i18n, v.reconnects, 'integer'), 'uplink.reconnects'],
  ];
  // Only edges with a depot configured say which way traffic goes: the depot's Wi-Fi or the 4G router.
  if (typeof v.via === 'string') rows.unshift(['uplink.via', word(i18n, 'via', v.via), 'uplink.via']);
  if (isNumber(v.stretch) && v.stretch > 1)
    rows.push(['uplink.stretch', i18n.t('uplink.stretchValue', { factor: num(i18n, v.stretch) }), 'uplink.stretch']);
  return rows;
}

function firmwareText(i18n, firmware) {
  const entries = Object.entries(firmware ?? {});
  if (entries.length === 0) return DASH;
  return entries.map(([device, version]) => i18n.t('system.firmwareEntry', { device, version })).join(', ');
}

function systemRows(i18n, v, aux, birth) {
  return [
    ['system.cpuTemp', num(i18n, v.cpuTempC), 'system.cpuTemp'],
    ['system.load', num(i18n, v.load1, 'twoDecimals'), 'system.load'],
    ['system.memory', num(i18n, v.memUsedPct, 'integer'), 'system.memory'],
    ['system.disk', num(i18n, v.diskUsedPct, 'integer'), 'system.disk'],
    ['system.uptime', duration(i18n, v.uptimeS), 'system.uptime'],
    ['system.boxTemp', num(i18n, aux?.temperatureC), 'system.boxTemp'],
    ['system.edge', birth?.software?.edge ?? DASH, 'system.edge'],
    ['system.firmware', firmwareText(i18n, birth?.firmware), 'system.firmware'],
    ['system.bmsModel', birth?.bmsModel ?? DASH, 'system.bmsModel'],
    ['system.configHash', birth?.configHash ? birth.configHash.slice(0, 12) : DASH, 'system.configHash'],
  ];
}

export class UnitPanels {
  state = null;
  detail = null;

  constructor(i18n) {
    this.i18n = i18n;
    this.parts = new Map();
    for (const name of PANELS) {
      const section = document.getElementById(`panel-${name}`);
      const body = el('div', { class: 'panel-body' });
      const age = el('p', { class: 'panel-age', 'data-age': name });
      section.append(body, age);
      this.parts.set(name, { body, age });
    }
  }

  /** `state` is the /state answer's `state` (or null), `detail` the /detail answer (or null). */
  update(state, detail) {
    this.state = state;
    this.detail = detail;
    this.render();
  }

  render() {
    const i18n = this.i18n;
    const s = this.state ?? {};
    const birth = this.detail?.birth ?? null;
    const rows = {
      battery: s.battery && batteryRows(i18n, s.battery.values),
      motor: s.motor && motorRows(i18n, s.motor.values),
      position: s.position && positionRows(i18n, s.position.values),
      hotspot: s.hotspot && hotspotRows(i18n, s.hotspot.values),
      uplink: s.uplink && uplinkRows(i18n, s.uplink.values, this.detail?.dataBudgetBytes),
      system: (s.system || birth) && systemRows(i18n, s.system?.values ?? {}, s.aux?.values, birth),
    };
    for (const name of PANELS) {
      const { body } = this.parts.get(name);
      if (rows[name]) fillList(body, i18n, rows[name], `panel-${name}`);
      else body.replaceChildren(el('p', { class: 'panel-note' }, [i18n.t('panel.noData')]));
    }
    this.renderAges();
  }

  /** Ages move on with the clock: called every few seconds as well as after each update. */
  renderAges() {
    const s = this.state ?? {};
    for (const name of PANELS) {
      const { age } = this.parts.get(name);
      const ts = s[name]?.updatedAt ?? (name === 'system' ? this.detail?.birth?.receivedAt : undefined);
      ageLine(age, this.i18n, ts);
      age.hidden = ts === undefined && !s[name];
    }
  }
}

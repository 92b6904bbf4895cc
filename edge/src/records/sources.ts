import type { DeviceState, Sample } from '@triporteur/firmware-bridge';
import type { QuestionnaireToday } from '../contract/records.js';

/** Inputs of the report-by-exception engine that do not come from a serial device. */

export interface SystemSample {
  kind: 'system';
  at: number;
  /** Each field is absent when the machine does not expose it (a laptop has no thermal_zone0). */
  cpuTempC?: number;
  load1?: number;
  memUsedPct?: number;
  diskUsedPct?: number;
  uptimeS?: number;
}

/** Counted on the unit by the hotspot; only these totals ever leave it, never a MAC or an IP. */
export interface HotspotAggregate {
  kind: 'hotspot';
  at: number;
  sessionsNow: number;
  sessionsToday: number;
  distinctDevicesToday: number;
  /** Stations associated to the open SSID now (hostapd). */
  stationsNow?: number;
  /** Sessions the hotspot accepts at once: the Wi-Fi chip's ceiling when configured, else the DHCP pool. */
  capacity?: number;
  /** Client to Internet bytes through the hotspot this boot (nft counters). */
  bytesUp?: number;
  /** Internet to client bytes through the hotspot this boot (nft counters). */
  bytesDown?: number;
  /** Acceptances refused at the client ceiling since local midnight. */
  refusedFullToday?: number;
  /** Sessions ended since local midnight because the device left. */
  endedLeftToday?: number;
  /** Sessions ended since local midnight at the idle timeout (kernel set expiry). */
  endedIdleToday?: number;
  /** Sessions ended since local midnight at the session timeout. */
  endedTimeoutToday?: number;
  /** Sessions ended since local midnight because their volume quota was used up. */
  endedQuotaToday?: number;
  /** The portal questionnaire's counts since local midnight; absent while the questionnaire is off. */
  questionnaireToday?: QuestionnaireToday;
  /** The radio's channel, settled at hotspot start. */
  channel?: number;
  /** Where it came from: this start's site survey, the config, or a hostapd already serving. */
  channelSource?: 'scan' | 'configured' | 'running';
  /** 2.4 GHz networks the site survey heard (a count only: no SSID, no BSSID); only with channelSource 'scan'. */
  networksSeen?: number;
}

export interface UplinkHealth {
  kind: 'uplink';
  at: number;
  /** ModemManager's signal quality, %. */
  signalPct?: number;
  bytesSent: number;
  bytesReceived: number;
  reconnects: number;
  outboxDepth: number;
  /** From DataBudget: bytes both ways this billing month, and the stretch factor in force. */
  monthBytes?: number;
  stretch?: number;
  /** From ModemHealthPoller.aggregate() (../modem): each absent when the modem does not say. */
  rsrpDbm?: number;
  rsrqDb?: number;
  sinrDb?: number;
  operator?: string;
  tech?: string;
  registered?: boolean;
  modemBytesRx?: number;
  modemBytesTx?: number;
  /** From the depot link (../wifi/depot-service.ts), when a `depot` section is configured. */
  via?: 'depot-wifi' | '4g-router';
}

export type RecordSource = Sample | SystemSample | HotspotAggregate | UplinkHealth;

/** Kinds fed by a serial or network device that has a link state of its own. */
export type DeviceKind = 'battery' | 'motor' | 'position' | 'aux';
export type { DeviceState };

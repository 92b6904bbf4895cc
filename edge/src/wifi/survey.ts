import type { Logger } from 'pino';
import { isWifiError } from './errors.js';
import type { ScannedNetwork, WifiControl } from './wifi-control.js';

/** The only three 2.4 GHz channels that do not overlap one another (20 MHz wide, 25 MHz apart). */
export const SURVEY_CHANNELS = [1, 6, 11] as const;
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number];

export interface SiteSurvey {
  /** The channel hostapd should use. */
  channel: number;
  /** 2.4 GHz access points heard (5 GHz ones share no air with the hotspot and are left out). */
  networksSeen: number;
  /** Congestion per candidate channel, 2 decimals: lower is better (see `scoreChannel`). Absent without a scan. */
  scores?: Record<SurveyChannel, number>;
  /** 'scan' when chosen from a scan; 'configured' when the scan failed and the config's channel stands. */
  source: 'scan' | 'configured';
  /** The scan's error code when source is 'configured'. */
  error?: string;
}

const channelMhz = (channel: number) => 2407 + 5 * channel;
const isTwoFourGhz = (network: ScannedNetwork) => network.frequencyMhz >= 2400 && network.frequencyMhz < 2500;

/**
 * How much one neighbour weighs on a candidate channel: its signal (0–100 %, so one loud network counts
 * about as much as three faint ones) times the share of spectrum the two 20 MHz-wide channels have in
 * common, 1 − Δf/25 MHz: the same channel counts fully, one channel away (5 MHz) 0.8, four away 0.2,
 * five or more (channels 1/6/11 to each other) nothing. A partly overlapping neighbour is counted, not
 * ignored: its frames are noise to the hotspot's radio rather than traffic it can wait for politely, so
 * picking channel 6 next to a loud channel 4 is as bad as sharing 6.
 */
export function scoreChannel(channel: number, networks: readonly ScannedNetwork[]): number {
  const centre = channelMhz(channel);
  let score = 0;
  for (const network of networks) {
    if (!isTwoFourGhz(network)) continue;
    const overlap = Math.max(0, 1 - Math.abs(network.frequencyMhz - centre) / 25);
    score += overlap * (network.signalPct / 100);
  }
  return Math.round(score * 100) / 100;
}

/**
 * The least congested of channels 1, 6 and 11. On a tie the configured channel stays (no reason to move
 * the hotspot), else the lowest channel wins, so the choice is the same for the same scan.
 */
export function chooseChannel(networks: readonly ScannedNetwork[], configured?: number): SiteSurvey {
  const scores = Object.fromEntries(SURVEY_CHANNELS.map((c) => [c, scoreChannel(c, networks)])) as Record<
    SurveyChannel,
    number
  >;
  const best = Math.min(...SURVEY_CHANNELS.map((c) => scores[c]));
  const tied = SURVEY_CHANNELS.filter((c) => scores[c] === best);
  const channel = tied.find((c) => c === configured) ?? tied[0] ?? SURVEY_CHANNELS[0];
  return { channel, networksSeen: networks.filter(isTwoFourGhz).length, scores, source: 'scan' };
}

/**
 * The site survey at start: scan, choose. A unit whose scan fails (no NetworkManager, radio busy) keeps
 * the configured channel and says so; the hotspot must come up either way.
 */
export async function runSiteSurvey(wifi: WifiControl, configuredChannel: number, logger: Logger): Promise<SiteSurvey> {
  try {
    const scan = await wifi.scan();
    if (scan.discarded > 0) logger.warn({ event: 'survey-discarded', lines: scan.discarded }, 'unreadable scan lines');
    const survey = chooseChannel(scan.networks, configuredChannel);
    logger.info(
      { event: 'site-survey', channel: survey.channel, networksSeen: survey.networksSeen, scores: survey.scores },
      'site survey done',
    );
    return survey;
  } catch (err) {
    const code = isWifiError(err) ? err.code : 'EDG_WIFI_COMMAND';
    logger.warn(
      { event: 'site-survey-failed', code, failure: err instanceof Error ? err.message : String(err) },
      'site survey failed; keeping the configured channel',
    );
    return {
      channel: configuredChannel,
      networksSeen: 0,
      source: 'configured',
      error: code,
    };
  }
}

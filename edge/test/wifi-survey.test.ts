import { describe, expect, it } from 'vitest';
import { validateHotspotConfig } from '../src/hotspot/config.js';
import { renderHostapdConfig } from '../src/hotspot/system/hostapd.js';
import { RecordingRunner } from '../src/hotspot/system/recording-runner.js';
import { WifiErrorCode } from '../src/wifi/errors.js';
import { createNmcliWifi } from '../src/wifi/nmcli.js';
import { chooseChannel, runSiteSurvey, scoreChannel } from '../src/wifi/survey.js';
import type { ScannedNetwork } from '../src/wifi/wifi-control.js';
import { captureLogger } from './fixtures/capture-logger.js';
import * as nm from './fixtures/nmcli-outputs.js';
import { checkHostapdConfig, parseHostapdConfig } from './support/hotspot-hostapd.js';

const ap = (channel: number, signalPct: number): ScannedNetwork => ({
  channel,
  frequencyMhz: channel === 14 ? 2484 : 2407 + 5 * channel,
  signalPct,
});

describe('channel choice', () => {
  it('picks 6 in the crowded street, and reports every candidate score', async () => {
    const wifi = createNmcliWifi(new RecordingRunner(() => nm.SCAN_CROWDED), { interface: 'wlan0' });
    const { networks } = await wifi.scan();
    // 1: 0.82+0.75+0.40 co-channel, ch3 30%×0.6, ch4 70%×0.4 → 2.43; 6: 0.35, ch4 70%×0.6, ch8 64%×0.6,
    // ch3 30%×0.4 → 1.27; 11: five faint 1.13, ch8 64%×0.4, ch13 45%×0.6 → 1.66. 5 GHz counts nowhere.
    expect(chooseChannel(networks, 1)).toEqual({
      channel: 6,
      networksSeen: 13,
      scores: { 1: 2.43, 6: 1.27, 11: 1.66 },
      source: 'scan',
    });
  });

  it('weighs signal: five faint networks on 11 congest less than two loud ones on 1', () => {
    const networks = [ap(1, 90), ap(1, 85), ap(6, 95), ap(6, 80), ...[20, 15, 25, 10, 20].map((s) => ap(11, s))];
    expect(chooseChannel(networks).channel).toBe(11);
  });

  it('weighs overlap: an empty 6 between loud 4 and 8 is worse than 1 shared with one faint network', () => {
    const networks = [ap(4, 90), ap(8, 90), ap(1, 20), ap(11, 70)];
    expect(scoreChannel(6, networks)).toBe(1.08);
    expect(scoreChannel(1, networks)).toBe(0.56);
    expect(chooseChannel(networks).channel).toBe(1);
  });

  it('counts channel 14 and 5 GHz by frequency: 14 barely touches 11, 5 GHz not at all', () => {
    expect(scoreChannel(11, [ap(14, 100)])).toBe(0.12);
    expect(scoreChannel(1, [{ channel: 36, frequencyMhz: 5180, signalPct: 100 }])).toBe(0);
  });

  it('keeps the configured channel on a tie, else takes the lowest', () => {
    expect(chooseChannel([], 11).channel).toBe(11);
    expect(chooseChannel([], 3).channel).toBe(1);
    expect(chooseChannel([ap(6, 50)], 6).channel).toBe(1);
  });
});

describe('runSiteSurvey', () => {
  it('logs the choice and the scores', async () => {
    const log = captureLogger();
    const wifi = createNmcliWifi(new RecordingRunner(() => nm.SCAN_CROWDED), { interface: 'wlan0' });
    const survey = await runSiteSurvey(wifi, 11, log.logger);
    expect(survey.channel).toBe(6);
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'site-survey', channel: 6, networksSeen: 13 }));
  });

  it('keeps the configured channel, with the error code, when NetworkManager does not answer', async () => {
    const log = captureLogger();
    const wifi = createNmcliWifi(new RecordingRunner(() => nm.NM_NOT_RUNNING), { interface: 'wlan0' });
    expect(await runSiteSurvey(wifi, 11, log.logger)).toEqual({
      channel: 11,
      networksSeen: 0,
      source: 'configured',
      error: WifiErrorCode.COMMAND_FAILED,
    });
    expect(log.lines).toContainEqual(expect.objectContaining({ event: 'site-survey-failed', level: 40 }));
  });

  it('keeps the configured channel on unreadable output too', async () => {
    const wifi = createNmcliWifi(new RecordingRunner(() => nm.SCAN_GARBAGE), { interface: 'wlan0' });
    const survey = await runSiteSurvey(wifi, 6, captureLogger().logger);
    expect(survey).toMatchObject({ channel: 6, source: 'configured', error: WifiErrorCode.OUTPUT });
  });
});

describe('the survey and the ceiling in hostapd.conf', () => {
  const config = validateHotspotConfig({ wifi: { channel: 11 } });

  it('puts the surveyed channel and the detected ceiling in the radio section, read back by the real hostapd', async () => {
    const wifi = createNmcliWifi(new RecordingRunner(() => nm.SCAN_CROWDED), { interface: 'wlan0' });
    const survey = await runSiteSurvey(wifi, config.wifi.channel, captureLogger().logger);
    const text = renderHostapdConfig(config, { channel: survey.channel, maxStations: 19 });
    const [radio] = parseHostapdConfig(text);
    expect(radio?.get('channel')).toBe('6');
    expect(radio?.get('max_num_sta')).toBe('19');
    const check = await checkHostapdConfig(text);
    expect(check.ok).toBe(true);
  });

  it('lets a configured ceiling win over the detected one, and keeps the config as is without a choice', () => {
    const capped = validateHotspotConfig({ wifi: { channel: 11, maxStations: 12 } });
    expect(parseHostapdConfig(renderHostapdConfig(capped, { maxStations: 19 }))[0]?.get('max_num_sta')).toBe('12');
    const [radio] = parseHostapdConfig(renderHostapdConfig(config));
    expect(radio?.get('channel')).toBe('11');
    expect(radio?.has('max_num_sta')).toBe(false);
  });
});

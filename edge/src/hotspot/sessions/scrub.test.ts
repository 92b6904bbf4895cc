import { describe, expect, it } from 'vitest';
import { describeFailure, scrubAddresses } from './scrub.js';

describe('scrubAddresses', () => {
  it.each([
    [
      'nft add element inet hotspot allowed { 10.42.0.17 timeout 900s }',
      'nft add element inet hotspot allowed { [ip] timeout 900s }',
    ],
    ['station A2:11:22:33:44:55 left', 'station [mac] left'],
    ['station a2-11-22-33-44-55 left', 'station [mac] left'],
    ['from fe80::1c2:3ff:fe44:5566 and 2001:db8::7', 'from [ip] and [ip]'],
    ['bind ::1 port 53', 'bind [ip] port 53'],
    [
      'Error: Could not process rule: No such file or directory',
      'Error: Could not process rule: No such file or directory',
    ],
  ])('%s', (text, scrubbed) => {
    expect(scrubAddresses(text)).toBe(scrubbed);
  });

  it('keeps the code of a coded error', () => {
    const err = Object.assign(new Error('revoke 10.42.0.17 failed'), { code: 'EDG_X' });
    expect(describeFailure(err)).toEqual({ code: 'EDG_X', message: 'revoke [ip] failed' });
    expect(describeFailure('plain 10.0.0.1')).toEqual({ message: 'plain [ip]' });
  });
});

import { describe, expect, it } from 'vitest';
import { hashSecret, SECRET_HASH_PATTERN, verifySecret } from './secrets.js';

describe('secrets', () => {
  it('hashes into the scrypt$salt$hash format with a fresh salt each time', async () => {
    const a = await hashSecret('correct horse');
    const b = await hashSecret('correct horse');
    expect(a).toMatch(new RegExp(SECRET_HASH_PATTERN));
    expect(a.split('$')[0]).toBe('scrypt');
    expect(a).not.toBe(b);
  });

  it('verifies the right secret and refuses a wrong one', async () => {
    const hash = await hashSecret('s3cret-unit-01');
    expect(await verifySecret('s3cret-unit-01', hash)).toBe(true);
    expect(await verifySecret('s3cret-unit-02', hash)).toBe(false);
    expect(await verifySecret('', hash)).toBe(false);
  });

  it('treats malformed hashes as a refusal, not a crash', async () => {
    expect(await verifySecret('x', 'plain-text')).toBe(false);
    expect(await verifySecret('x', 'scrypt$AAAA$BBBB')).toBe(false);
    expect(await verifySecret('x', 'bcrypt$a$b')).toBe(false);
  });

  it('refuses to hash an empty secret', async () => {
    await expect(hashSecret('')).rejects.toThrow(RangeError);
  });
});

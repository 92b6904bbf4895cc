import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

const dir = () => mkdtempSync(join(tmpdir(), 'edge-atomic-'));

describe('writeFileAtomic', () => {
  it('replaces a file with the exact mode asked, whatever the old mode and the umask', async () => {
    const path = join(dir(), 'config.json');
    writeFileSync(path, 'old', { mode: 0o644 });
    const umask = process.umask(0o000);
    try {
      await writeFileAtomic(path, 'new secret', 0o600);
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(path, 'utf8')).toBe('new secret');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('creates the parent directory when asked, and leaves no temporary behind', async () => {
    const root = dir();
    await writeFileAtomic(join(root, 'run', 'hostapd.conf'), 'x', 0o600, { createParent: true });
    expect(readdirSync(join(root, 'run'))).toEqual(['hostapd.conf']);
  });

  it('throws the write’s own error and leaves the old file whole when the parent is not a directory', async () => {
    const root = dir();
    writeFileSync(join(root, 'file'), 'keep');
    await expect(writeFileAtomic(join(root, 'file', 'child'), 'x', 0o600)).rejects.toMatchObject({
      code: expect.stringMatching(/ENOTDIR|EEXIST/),
    });
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('keep');
    expect(readdirSync(root)).toEqual(['file']);
  });
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskCheck } from '../src/doctor/checks/disk.js';
import { parseMountinfo } from '../src/doctor/checks/mounts.js';
import { sdWearCheck } from '../src/doctor/checks/sd-wear.js';
import { DoctorCode } from '../src/doctor/codes.js';
import { sysfsTree } from './fixtures/wifi-sysfs.js';
import { doctorConfig, doctorTestContext } from './support/doctor-config.js';

const run = promisify(execFile);

describe('doctor: free space, on a real 4 MiB tmpfs', () => {
  let mountPoint: string;
  beforeAll(async () => {
    mountPoint = await mkdtemp(join(tmpdir(), 'doctor-tmpfs-'));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
  });
  afterAll(async () => {
    await run('umount', [mountPoint]).catch(() => undefined);
    await rm(mountPoint, { recursive: true, force: true });
  });

  const check = () =>
    diskCheck.run(doctorTestContext(doctorConfig({ outbox: { path: join(mountPoint, 'data', 'outbox.db') } })));
  const fill = (bytes: number) => writeFile(join(mountPoint, 'filler'), Buffer.alloc(bytes));

  it('passes on an empty partition, from the nearest existing parent of a data dir not yet made', async () => {
    const result = await check();
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toContain(`100,0 % libres sur ${mountPoint}`);
  });

  it('warns DOC_DISK_LOW under 10 % free and fails under 3 %', async () => {
    await fill(3.75 * 1024 * 1024);
    expect(await check()).toMatchObject({ status: 'warn', code: DoctorCode.DISK_LOW });
    await fill(3.95 * 1024 * 1024);
    const full = await check();
    expect(full).toMatchObject({ status: 'fail', code: DoctorCode.DISK_LOW });
    expect(full.fix).toContain('du -sh');
  });
});

/**
 * /proc/self/mountinfo lines in proc(5)'s format, as Raspberry Pi OS writes them for its root on the SD
 * card (179:2 is mmcblk0p2: major 179 is the mmc block driver), and the /sys files the kernel exposes for
 * it: /sys/dev/block/179:2 → …/mmcblk0/mmcblk0p2, device/type "SD", ext4's counters.
 */
async function unitTree(options: {
  rootOptions?: string;
  emmc?: { lifeTime: string; preEol: string };
  errors?: number;
}) {
  const tree = await sysfsTree();
  const opts = options.rootOptions ?? 'rw,noatime';
  await tree.put(
    'proc/self/mountinfo',
    [
      `23 1 179:2 / / ${opts} shared:1 - ext4 /dev/root rw`,
      '24 23 0:5 / /dev rw,relatime shared:2 - devtmpfs devtmpfs rw,size=1867796k,nr_inodes=466949,mode=755',
      '29 23 179:1 / /boot/firmware rw,relatime shared:5 - vfat /dev/mmcblk0p1 rw,fmask=0022,dmask=0022',
      '',
    ].join('\n'),
  );
  const disk = 'sys/devices/platform/emmc2bus/fe340000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0';
  await tree.put(`${disk}/mmcblk0p2/partition`, '2\n');
  await tree.link('sys/dev/block/179:2', `../../${disk.slice('sys/'.length)}/mmcblk0p2`);
  await tree.link('sys/block/mmcblk0', `../${disk.slice('sys/'.length)}`);
  await tree.put(`${disk}/device/type`, options.emmc ? 'MMC\n' : 'SD\n');
  if (options.emmc) {
    await tree.put(`${disk}/device/life_time`, `${options.emmc.lifeTime}\n`);
    await tree.put(`${disk}/device/pre_eol_info`, `${options.emmc.preEol}\n`);
  }
  await tree.put('sys/fs/ext4/mmcblk0p2/lifetime_write_kbytes', '1887436800\n');
  await tree.put('sys/fs/ext4/mmcblk0p2/errors_count', `${options.errors ?? 0}\n`);
  return tree;
}

describe('doctor: signs of SD-card wear (trees shaped like a Pi booting from its card)', () => {
  const check = async (tree: { root: string }) => {
    const data = await mkdtemp(join(tmpdir(), 'doctor-sd-'));
    await mkdir(data, { recursive: true });
    return sdWearCheck.run(
      doctorTestContext(doctorConfig({ outbox: { path: join(data, 'outbox.db') } }), { root: tree.root }),
    );
  };

  it('says plainly that an SD card reports no wear estimate, and how much ext4 has written', async () => {
    const result = await check(await unitTree({}));
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toContain("mmcblk0 (SD) : une carte SD n'expose pas d'estimation d'usure");
    expect(result.detail).toContain('1,8 Tio écrits sur mmcblk0p2');
  });

  it.each([
    ['0x01 0x02', '0x01', 'pass'],
    ['0x06 0x03', '0x01', 'warn'],
    ['0x02 0x02', '0x02', 'warn'],
    ['0x0a 0x04', '0x01', 'fail'],
    ['0x01 0x01', '0x03', 'fail'],
  ])('reads eMMC life_time %s and pre_eol_info %s as %s', async (lifeTime, preEol, status) => {
    const result = await check(await unitTree({ emmc: { lifeTime, preEol } }));
    expect(result.status).toBe(status);
    expect(result.code).toBe(status === 'pass' ? DoctorCode.OK : DoctorCode.SD_WEAR);
  });

  it('warns when ext4 has recorded errors', async () => {
    const result = await check(await unitTree({ errors: 3 }));
    expect(result).toMatchObject({ status: 'warn', code: DoctorCode.SD_WEAR });
    expect(result.detail).toContain('3 erreur(s)');
  });

  it('fails when the data partition was remounted read-only', async () => {
    const result = await check(await unitTree({ rootOptions: 'ro,relatime' }));
    expect(result).toMatchObject({ status: 'fail', code: DoctorCode.SD_WEAR });
    expect(result.detail).toContain('lecture seule');
  });

  it('does not invent a wear figure when nothing is readable', async () => {
    const empty = await sysfsTree();
    const result = await check(empty);
    expect(result).toMatchObject({ status: 'pass', code: DoctorCode.OK });
    expect(result.detail).toContain('usure non évaluée');
  });

  it('parses mountinfo with optional fields and escaped spaces, skipping malformed lines', () => {
    const mounts = parseMountinfo(
      '36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\nnonsense\n',
    );
    expect(mounts).toEqual([
      { majorMinor: '98:0', mountPoint: '/mnt two', options: ['rw', 'noatime'], fsType: 'ext3', source: '/dev/root' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, Permission, permissionsOf, ROLES } from '../src/auth/roles.js';

describe('role permissions', () => {
  it('gives the viewer aggregated reports only: no live fleet, no unit detail, no command', () => {
    expect(permissionsOf('viewer')).toEqual([Permission.REPORTS_VIEW]);
  });

  it('gives the coordinator the fleet, reports and the location pause, not commands, units or users', () => {
    expect(permissionsOf('coordinator')).toEqual(['fleet:view', 'reports:view', 'alerts:ack', 'location:pause']);
  });

  it('gives the technician units, diagnostics and commands, not users or credentials', () => {
    expect(can('technician', Permission.COMMANDS_SEND)).toBe(true);
    expect(can('technician', Permission.DIAGNOSTICS_VIEW)).toBe(true);
    expect(can('technician', Permission.UNITS_MANAGE)).toBe(true);
    expect(can('technician', Permission.USERS_MANAGE)).toBe(false);
    expect(can('technician', Permission.CREDENTIALS_MANAGE)).toBe(false);
  });

  it('gives the admin everything, and an unknown role nothing', () => {
    expect(permissionsOf('admin')).toEqual(PERMISSIONS);
    for (const p of PERMISSIONS) expect(can('funder', p)).toBe(false);
    expect(ROLES).toEqual(['admin', 'technician', 'coordinator', 'viewer']);
  });
});

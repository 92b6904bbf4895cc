import { createTestCa } from '../../src/testing/test-ca.js';

export interface PortalTestCa {
  caFile: string;
  certFile: string;
  keyFile: string;
  remove(): Promise<void>;
}

/** A throw-away CA and a certificate for the portal's hostname: clients trust only this CA. */
export async function makePortalCa(hostname: string): Promise<PortalTestCa> {
  const ca = await createTestCa();
  try {
    const issued = await ca.issue('portal', [hostname]);
    return { caFile: ca.caFile, ...issued, remove: () => ca.remove() };
  } catch (err) {
    await ca.remove();
    throw err;
  }
}

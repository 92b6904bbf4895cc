/**
 * Test parts for the fleet contract: a throw-away TLS CA, and Debian's Mosquitto with the fleet's password file and ACL, on a
 * private loopback port. Used by the edge's own tests and by the cross-workspace e2e tests; never by
 * the service itself.
 */
export { freePort } from './free-port.js';
export { type Mosquitto, type MosquittoTls, startMosquitto } from './mosquitto.js';
export { createTestCa, type IssuedCertificate, type TestCa } from './test-ca.js';

/** Test support shared by the dashboard's tests, the e2e suite and the bench: real servers, never mocks. */

export { type MosquittoProcess, runMosquitto } from '../broker/mosquitto-process.js';
export { startTestPostgres, type TestPostgres } from './postgres.js';

/** The edge ↔ fleet MQTT contract. The dashboard imports only this from the edge. */

export * from './commands.js';
export * from './encoding.js';
export * from './events.js';
export * from './parse.js';
export * from './payloads.js';
export * from './records.js';
export * from './topics.js';

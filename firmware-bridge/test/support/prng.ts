/** The fuzz and scenario tests' seeded generator: the simulators' own, so a failing case replays from its seed. */
export { mulberry32 as prng } from '../../src/simulation/random.js';

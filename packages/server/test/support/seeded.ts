/**
 * Seeded randomness for tests that use chance (chaos timings, fuzz orders): the seed is printed, and
 * `TEST_SEED=<n>` replays a failing run exactly.
 */

/** A deterministic generator of numbers in [0, 1) for a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed for this run (TEST_SEED, or a fresh one), printed with the test's name so a failure can be replayed. */
export function testSeed(name: string): number {
  const given = process.env.TEST_SEED;
  const seed = given !== undefined && /^\d+$/.test(given) ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${name}: seed ${seed} (replay with TEST_SEED=${seed})`);
  return seed;
}

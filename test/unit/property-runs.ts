// Property tests run a fixed seed, so CI is reproducible; HP_SEED=<n> and HP_RUNS=<factor> explore further by hand
// (fast-check prints the seed and path of any counterexample).
export function propertyRuns(numRuns: number, seed = 20130814): { numRuns: number; seed: number } {
  const s = Number(process.env.HP_SEED);
  const k = Number(process.env.HP_RUNS);
  return { numRuns: Math.max(1, Math.round(numRuns * (k > 0 ? k : 1))), seed: Number.isInteger(s) ? s : seed };
}

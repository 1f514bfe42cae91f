// UI tests placeholder (filled in below).
export async function runUiTests(): Promise<{ passed: number; failed: number; ms: number }> {
  return { passed: 0, failed: 0, ms: 0 };
}

/**
 * Where inside a flexible time window a fire lands: a pseudo-random offset in
 * `[0, windowMinutes x 60 000)` ms after `scheduledTime`, derived from the schedule name and the
 * scheduled time alone (32-bit FNV-1a), so a fire keeps its moment across restarts and tests are exact.
 * Different schedules on the same cron spread out, which is what Scheduler's window is for.
 */
export function flexibleOffsetMs(name: string, scheduledTime: Date, windowMinutes: number): number {
  const windowMs = windowMinutes * 60_000;
  if (!(windowMs > 0)) return 0;
  const seed = `${name}\u0000${scheduledTime.toISOString()}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 0x1_0000_0000) * windowMs);
}

import { DynamoNumber } from './dynamo-number.ts';

/**
 * An epoch number in `unitsPerSecond` (1 for seconds, 1000 for millis, 1e6 for micros) as a Date,
 * truncated to the millisecond. Goes through the number's shortest decimal text so that
 * 1480641523.477 s is 1480641523477 ms, not the …476 that `Math.floor(s * 1000)` gives.
 * The caller passes a finite number.
 */
export function epochNumberToDate(value: number, unitsPerSecond: 1 | 1000 | 1_000_000): Date {
  // whole seconds or milliseconds (the usual case) are exact in binary: no decimal detour
  if (Number.isSafeInteger(value) && unitsPerSecond !== 1_000_000) return new Date(unitsPerSecond === 1 ? value * 1000 : value);
  const exact = new DynamoNumber(String(value));
  const scale = unitsPerSecond === 1 ? 3 : unitsPerSecond === 1000 ? 0 : -3;
  return new Date(Number(exact.toScaledFloor(scale)));
}

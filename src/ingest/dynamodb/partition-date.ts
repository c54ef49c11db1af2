import { ValidationError } from '../../errors.ts';
import { describeFound } from './attribute-path.ts';
import { DynamoNumber } from './dynamo-number.ts';
import { parseIsoTimestampMicros, utcDateOfMicros } from './iso-time.ts';

/**
 * The UTC `YYYY-MM-DD` partition date of a timestamp attribute: an ISO-8601 string with offset
 * (or a bare date), epoch milliseconds (N, number or bigint — also what `conformToAvro` makes of a
 * timestamp-millis field), or a Date. `field` names the attribute in errors.
 * Errors: `ValidationError` `DDB_BAD_PARTITION_DATE`.
 */
export function partitionDateOf(value: unknown, field = 'created_at'): string {
  let micros: bigint | string;
  if (typeof value === 'string') {
    micros = parseIsoTimestampMicros(value);
  } else if (value instanceof Date) {
    micros = Number.isNaN(value.getTime()) ? 'is an invalid Date' : BigInt(value.getTime()) * 1000n;
  } else if (value instanceof DynamoNumber || typeof value === 'number' || typeof value === 'bigint') {
    const text = value instanceof DynamoNumber ? value.text : String(value);
    micros = DynamoNumber.invalidReason(text) === undefined ? new DynamoNumber(text).toScaledFloor(3) : 'is not a finite number';
  } else {
    micros = value === undefined ? 'is missing' : 'is neither an ISO-8601 string nor epoch milliseconds';
  }
  if (typeof micros === 'string') {
    throw new ValidationError('DDB_BAD_PARTITION_DATE', `partition date field ${field} ${micros} (found ${describeFound(value)}); every landed item needs a timestamp in ${field}`, {
      fields: { path: field, found: describeFound(value, 200) },
    });
  }
  return utcDateOfMicros(micros);
}

import { ValidationError } from '../../errors.ts';

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,9}))?$/;
// Most numbers in items look like this, and such text is always within DynamoDB's limits,
// so the full parse (and its BigInt) waits until a conversion needs it.
const SIMPLE_NUMBER = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,15})?$/;

// DynamoDB's documented number limits: up to 38 significant digits, magnitude 1E-130 .. <1E+126.
const MAX_SIGNIFICANT_DIGITS = 38;
const MIN_ADJUSTED_EXPONENT = -130;
const MAX_ADJUSTED_EXPONENT = 125;

/** value = (negative ? -1 : 1) * coefficient * 10^exponent, coefficient without trailing zeros. */
interface Decimal {
  negative: boolean;
  coefficient: bigint;
  exponent: number;
}

/** The parsed value, or the reason `text` is not a DynamoDB number. */
function parseDecimal(text: string): Decimal | string {
  const match = NUMBER_TEXT.exec(text);
  if (match === null) return 'is not a decimal number';
  const [, sign = '', intPart = '', fracPart = '', expPart] = match;
  if (intPart === '' && fracPart === '') return 'has no digits';
  let digits = (intPart + fracPart).replace(/^0+/, '');
  let exponent = (expPart === undefined ? 0 : Number(expPart)) - fracPart.length;
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  digits = trimmed;
  if (digits === '') return { negative: false, coefficient: 0n, exponent: 0 };
  if (digits.length > MAX_SIGNIFICANT_DIGITS) {
    return `has ${digits.length} significant digits (DynamoDB allows ${MAX_SIGNIFICANT_DIGITS})`;
  }
  const adjusted = exponent + digits.length - 1;
  if (adjusted < MIN_ADJUSTED_EXPONENT || adjusted > MAX_ADJUSTED_EXPONENT) {
    return 'is outside DynamoDB\'s number range (1E-130 to 9.99E+125)';
  }
  return { negative: sign === '-', coefficient: BigInt(digits), exponent };
}

/**
 * A DynamoDB number (`{"N": "…"}`) kept as its exact decimal text, so values such as
 * `12345678901234567890.123` survive unmarshalling untouched. Convert explicitly:
 * `toNumber()` (may round), `toBigInt()` (integers only), `toScaled(scale)` (exact decimals).
 * `JSON.stringify` writes the text.
 */
export class DynamoNumber {
  /** The decimal text exactly as received. */
  readonly text: string;
  #parsed: Decimal | undefined;

  /** Errors: `ValidationError` `DDB_BAD_NUMBER` when `text` is not a DynamoDB number. */
  constructor(text: string) {
    this.text = text;
    if (SIMPLE_NUMBER.test(text)) return;
    const parsed = parseDecimal(text);
    if (typeof parsed === 'string') {
      throw new ValidationError('DDB_BAD_NUMBER', `number ${JSON.stringify(text)} ${parsed}; DynamoDB numbers are decimal strings such as "-12.5" or "1E+3"`, {
        fields: { value: text },
      });
    }
    this.#parsed = parsed;
  }

  /** Why `text` is not a valid DynamoDB number, or `undefined` when it is. */
  static invalidReason(text: string): string | undefined {
    if (SIMPLE_NUMBER.test(text)) return undefined;
    const parsed = parseDecimal(text);
    return typeof parsed === 'string' ? parsed : undefined;
  }

  get #decimal(): Decimal {
    this.#parsed ??= parseDecimal(this.text) as Decimal;
    return this.#parsed;
  }

  /** True when the value has no fractional part (`"1.50E2"` is an integer). */
  get isInteger(): boolean {
    return this.#decimal.exponent >= 0;
  }

  /** True for values below zero (`"-0"` is not negative). */
  get isNegative(): boolean {
    return this.#decimal.negative && this.#decimal.coefficient !== 0n;
  }

  /** Digits after the decimal point needed to write the value exactly (0 for integers). */
  get scale(): number {
    return Math.max(0, -this.#decimal.exponent);
  }

  /** The nearest double; large or long-fraction values may round. */
  toNumber(): number {
    return Number(this.text);
  }

  /** The exact integer. Errors: `ValidationError` `DDB_NOT_INTEGRAL` when there is a fractional part. */
  toBigInt(): bigint {
    if (!this.isInteger) {
      throw new ValidationError('DDB_NOT_INTEGRAL', `number ${this.text} is not an integer; read it with toNumber() or as a decimal`, {
        fields: { value: this.text },
      });
    }
    return this.toScaled(0);
  }

  /**
   * The exact unscaled integer at `scale` (`"12.3".toScaled(2)` is `1230n`), as Avro decimals store it.
   * Errors: `ValidationError` `DDB_SCALE_EXCEEDED` when the value has more than `scale` fractional digits.
   */
  toScaled(scale: number): bigint {
    const { negative, coefficient, exponent } = this.#decimal;
    const shift = exponent + scale;
    if (shift < 0) {
      throw new ValidationError('DDB_SCALE_EXCEEDED', `number ${this.text} has ${this.scale} fractional digits, more than the ${scale} allowed; round it at the source or widen the scale`, {
        fields: { value: this.text, scale },
      });
    }
    const magnitude = coefficient * 10n ** BigInt(shift);
    return negative ? -magnitude : magnitude;
  }

  /**
   * The unscaled integer at `scale`, rounded toward negative infinity: `"1.2399".toScaledFloor(2)`
   * is `123n`. For unit conversions that may drop precision on purpose (seconds → milliseconds).
   */
  toScaledFloor(scale: number): bigint {
    const { negative, coefficient, exponent } = this.#decimal;
    const shift = exponent + scale;
    if (shift >= 0) return this.toScaled(scale);
    const divisor = 10n ** BigInt(-shift);
    const quotient = coefficient / divisor;
    if (!negative) return quotient;
    return coefficient % divisor === 0n ? -quotient : -quotient - 1n;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `DynamoNumber(${this.text})`;
  }
}

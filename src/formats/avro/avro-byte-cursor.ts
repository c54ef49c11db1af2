/** A framing problem at a byte offset; the container reader turns it into `AVRO_CORRUPT_FILE`. */
export class AvroFramingError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at byte offset ${offset}`);
  }
}

/**
 * Reads the container format's framing (varint longs, length-prefixed bytes, fixed runs)
 * from a buffer with strict bounds: every read past the end throws `AvroFramingError`.
 */
export class AvroByteCursor {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** A zigzag varint long; throws when truncated, longer than 10 bytes or beyond 2^53. */
  long(what: string): number {
    const start = this.pos;
    let z = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new AvroFramingError(`truncated ${what}: the data ends inside it`, start);
      z += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) {
        if (z > Number.MAX_SAFE_INTEGER) throw new AvroFramingError(`${what} is out of range`, start);
        return z % 2 ? -(z + 1) / 2 : z / 2;
      }
    }
    throw new AvroFramingError(`${what} is not a valid varint (more than 10 bytes)`, start);
  }

  /** `length` bytes as a view (no copy). */
  fixed(length: number, what: string): Buffer {
    if (length < 0 || length > this.remaining) {
      throw new AvroFramingError(`truncated ${what}: needs ${length} bytes but only ${this.remaining} remain`, this.pos);
    }
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  /** Avro `bytes`: a long length, then that many bytes (a view). */
  bytes(what: string): Buffer {
    const start = this.pos;
    const length = this.long(`length of ${what}`);
    if (length < 0) throw new AvroFramingError(`${what} has negative length ${length}`, start);
    return this.fixed(length, what);
  }

  /** Avro `string`: length-prefixed UTF-8. */
  string(what: string): string {
    return this.bytes(what).toString('utf8');
  }
}

/** Appends the zigzag varint of a safe integer to `out`. */
export function pushAvroLong(out: number[], value: number): void {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}

/** The zigzag varint of a safe integer. */
export function encodeAvroLong(value: number): Buffer {
  const out: number[] = [];
  pushAvroLong(out, value);
  return Buffer.from(out);
}

import type { DynamoNumber } from './dynamo-number.ts';

/** The DynamoDB set types: string set, number set, binary set. */
export type DynamoSetType = 'SS' | 'NS' | 'BS';

/** Element type of each set type. */
export interface DynamoSetElement {
  SS: string;
  NS: DynamoNumber;
  BS: Buffer;
}

/**
 * A DynamoDB set (SS, NS or BS) as an array that remembers its set type, so marshalling it back
 * writes `SS`/`NS`/`BS` rather than `L`. Order and duplicates are kept as received, so a
 * marshalling round trip reproduces the input exactly.
 * Derived arrays (`map`, `filter`, `slice`) are plain arrays.
 */
export class DynamoSet<T extends DynamoSetType = DynamoSetType> extends Array<DynamoSetElement[T]> {
  declare readonly setType: T;

  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(setType: T, items: Iterable<DynamoSetElement[T]> = []) {
    super();
    // non-enumerable: the set stays deep-equal to an array of the same items apart from its class
    Object.defineProperty(this, 'setType', { value: setType, enumerable: false });
    for (const item of items) this.push(item);
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Path of a map member: `NewImage.price`, or `NewImage["unit-price"]` for names that need quoting. */
export function memberPath(parent: string, name: string): string {
  if (IDENTIFIER.test(name)) return parent === '' ? name : `${parent}.${name}`;
  return `${parent}[${JSON.stringify(name)}]`;
}

/** Path of a list or set element: `NewImage.items[2]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A short, single-line rendering of a value for error messages. */
export function describeFound(value: unknown, max = 60): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'bigint') return `${value}n`;
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

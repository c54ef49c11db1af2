import type { AvroSchema } from './avro-schema.ts';
import type { AvroField, AvroNamedNode, AvroNode, AvroRecordNode, AvroUnionNode } from './avro-schema-tree.ts';

/** Verdict of `compareAvroSchemas`. */
export interface AvroSchemaComparison {
  /**
   * `identical`: same schema (key order and whitespace aside). `compatible`: a table written
   * with the old schema can evolve in place to the new one. `incompatible`: it cannot.
   */
  kind: 'identical' | 'compatible' | 'incompatible';
  /** One sentence per difference naming the field; the incompatible ones first. */
  reasons: string[];
}

const TOP = 'the schema';

// Avro schema resolution's promotions: writer type -> reader types it may be read as
const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/**
 * Compares the schema a table has (`oldSchema`) with the one it is asked to take (`newSchema`).
 *
 * Compatible changes: a field added with a default or as nullable (old rows read as the
 * default / null); a field removed that had a default; a field made nullable; a field renamed
 * with an alias; type promotions per Avro resolution (int -> long -> float -> double,
 * string <-> bytes); union branches added; enum symbols added; doc, default and sort-order
 * changes; fields reordered.
 *
 * Incompatible: a field removed without a default; a field added without a default that is not
 * nullable; a type change that cannot be promoted; a nullable field made required; a union
 * branch removed; a record, enum or fixed renamed without an alias; enum symbols removed (unless
 * the new enum has a default); a fixed size change; any logical-type change (it changes the
 * column type, e.g. long -> timestamp-millis is int64 -> timestamptz).
 */
export function compareAvroSchemas(oldSchema: AvroSchema, newSchema: AvroSchema): AvroSchemaComparison {
  const breaking: string[] = [];
  const changes: string[] = [];
  const visited = new Set<string>();

  // `where` names the place in sentences; `path` is the dotted field path of nested fields
  const compare = (w: AvroNode, r: AvroNode, where: string, path: string): void => {
    if (w.kind === 'union' || r.kind === 'union') return compareUnions(w, r, where, path);
    const lw = logicalLabel(w);
    const lr = logicalLabel(r);
    if (w.kind !== r.kind) {
      if (lw === '' && lr === '' && PROMOTIONS[w.kind]?.includes(r.kind)) {
        changes.push(`${where} promoted from ${w.kind} to ${r.kind}`);
      } else {
        breaking.push(`${where} changed type from ${typeLabel(w)} to ${typeLabel(r)}, which cannot be promoted`);
      }
      return;
    }
    if (lw !== lr) {
      breaking.push(`${where} changed logical type from ${lw || 'none'} to ${lr || 'none'}, which changes its column type`);
      return;
    }
    switch (w.kind) {
      case 'record':
      case 'enum':
      case 'fixed':
        return compareNamed(w, r as AvroNamedNode, where, path);
      case 'array':
        return compare(w.items, (r as typeof w).items, `items of ${where}`, `${path}[]`);
      case 'map':
        return compare(w.values, (r as typeof w).values, `values of ${where}`, `${path}{}`);
      default:
        return;
    }
  };

  const compareUnions = (w: AvroNode, r: AvroNode, where: string, path: string): void => {
    const wb = w.kind === 'union' ? w.branches : [w];
    const rb = r.kind === 'union' ? r.branches : [r];
    const wNull = wb.some((b) => b.kind === 'null');
    const rNull = rb.some((b) => b.kind === 'null');
    if (wNull && !rNull) breaking.push(`${where} changed from nullable to required; rows holding null cannot be read`);
    if (!wNull && rNull) changes.push(`${where} made nullable`);
    const used = new Set<AvroNode>();
    for (const b of wb) {
      if (b.kind === 'null') continue;
      const match = rb.find((c) => sameBranch(b, c)) ?? rb.find((c) => c.kind !== 'null' && canRead(b, c));
      if (match === undefined) {
        const target = r.kind === 'union' ? `union ${typeLabel(r)}` : typeLabel(r);
        breaking.push(
          w.kind === 'union'
            ? `${where} can no longer hold ${typeLabel(b)} values (new type ${target}); rows holding them cannot be read`
            : `${where} changed type from ${typeLabel(b)} to ${target}, which cannot be promoted`,
        );
        continue;
      }
      used.add(match);
      compare(b, match, where, path);
    }
    const added = rb.filter((c) => c.kind !== 'null' && !used.has(c) && !wb.some((b) => sameBranch(b, c)));
    if (added.length > 0) changes.push(`${where} now also accepts ${added.map(typeLabel).join(', ')}`);
  };

  const compareNamed = (w: AvroNamedNode, r: AvroNamedNode, where: string, path: string): void => {
    const at = path === '' && where === TOP ? '' : ` (${where})`;
    if (w.name !== r.name) {
      if (!r.aliases.includes(w.name)) {
        breaking.push(`${w.kind} "${w.name}"${at} renamed to "${r.name}" without an alias; add "aliases": ["${w.name}"] to "${r.name}"`);
        return;
      }
      changes.push(`${w.kind} "${w.name}"${at} renamed to "${r.name}" (aliased)`);
    }
    if (w.doc !== r.doc) changes.push(`doc of ${w.kind} "${r.name}" changed`);
    const key = `${w.name}->${r.name}`;
    if (visited.has(key)) return;
    visited.add(key);
    if (w.kind === 'fixed' && r.kind === 'fixed' && w.size !== r.size) {
      breaking.push(`${where} fixed "${r.name}" changed size from ${w.size} to ${r.size} bytes`);
    } else if (w.kind === 'enum' && r.kind === 'enum') {
      const removed = w.symbols.filter((s) => !r.symbols.includes(s));
      const added = r.symbols.filter((s) => !w.symbols.includes(s));
      if (removed.length > 0 && r.default === undefined) {
        breaking.push(`${where} enum "${r.name}" lost symbols ${removed.join(', ')}; rows holding them cannot be read (or give the enum a default)`);
      } else if (removed.length > 0) {
        changes.push(`${where} enum "${r.name}" lost symbols ${removed.join(', ')}; rows holding them read as "${r.default}"`);
      }
      if (added.length > 0) changes.push(`${where} enum "${r.name}" gained symbols ${added.join(', ')}`);
    } else if (w.kind === 'record' && r.kind === 'record') {
      compareFields(w, r, path);
    }
  };

  const compareFields = (w: AvroRecordNode, r: AvroRecordNode, path: string): void => {
    const child = (name: string): string => (path === '' ? name : `${path}.${name}`);
    const label = (name: string): string => `field "${child(name)}"`;
    const matched = new Map<AvroField, AvroField>();
    const added: AvroField[] = [];
    for (const rf of r.fields) {
      const byName = w.fields.find((wf) => wf.name === rf.name);
      const wf = byName ?? w.fields.find((f) => rf.aliases.includes(f.name) && !r.fields.some((o) => o.name === f.name));
      if (wf === undefined) {
        added.push(rf);
        continue;
      }
      matched.set(wf, rf);
      if (wf !== byName) changes.push(`${label(wf.name)} renamed to "${rf.name}" (aliased)`);
      compare(wf.type, rf.type, label(rf.name), child(rf.name));
      if (wf.doc !== rf.doc) changes.push(`doc of ${label(rf.name)} changed`);
      if (wf.order !== rf.order) changes.push(`sort order of ${label(rf.name)} changed from ${wf.order} to ${rf.order}`);
      if (JSON.stringify(wf.default) !== JSON.stringify(rf.default)) changes.push(`default of ${label(rf.name)} changed`);
    }
    for (const wf of w.fields) {
      if (matched.has(wf)) continue;
      if (wf.default !== undefined) {
        changes.push(`${label(wf.name)} removed (it had a default)`);
        continue;
      }
      const twin = added.find((a) => typeLabel(a.type) === typeLabel(wf.type));
      const hint = twin === undefined ? '' : ` (if it was renamed to "${twin.name}", add "aliases": ["${wf.name}"] to "${twin.name}")`;
      breaking.push(`${label(wf.name)} was removed and has no default${hint}`);
    }
    for (const rf of added) {
      if (rf.default !== undefined) changes.push(`${label(rf.name)} added with default ${JSON.stringify(rf.default.value)}`);
      else if (isNullable(rf.type)) changes.push(`${label(rf.name)} added as nullable; existing rows read as null`);
      else breaking.push(`${label(rf.name)} was added without a default and is not nullable; existing rows have no value for it (add a default or make it nullable)`);
    }
    const kept = new Set(matched.values());
    const oldOrder = w.fields.flatMap((f) => matched.get(f)?.name ?? []);
    const newOrder = r.fields.filter((f) => kept.has(f)).map((f) => f.name);
    if (oldOrder.join('\0') !== newOrder.join('\0')) changes.push(`fields of record "${r.name}" reordered`);
  };

  compare(oldSchema.root, newSchema.root, TOP, '');

  if (breaking.length > 0) return { kind: 'incompatible', reasons: [...breaking, ...changes] };
  if (changes.length > 0) return { kind: 'compatible', reasons: changes };
  if (stableJson(oldSchema.json) === stableJson(newSchema.json)) return { kind: 'identical', reasons: [] };
  return { kind: 'compatible', reasons: ['only attributes without effect on the data changed (custom properties or spelling of names)'] };
}

/** True when data written as `w` can be read as `r` (names and promotions only, not deep). */
function canRead(w: AvroNode, r: AvroNode): boolean {
  if (w.kind === r.kind) return !('name' in w) || sameBranch(w, r);
  return PROMOTIONS[w.kind]?.includes(r.kind) ?? false;
}

function sameBranch(w: AvroNode, r: AvroNode): boolean {
  if (w.kind !== r.kind) return false;
  if ('name' in w && 'name' in r) return w.name === r.name || r.aliases.includes(w.name);
  return true;
}

function isNullable(node: AvroNode): boolean {
  return node.kind === 'null' || (node.kind === 'union' && node.branches.some((b) => b.kind === 'null'));
}

function logicalLabel(node: AvroNode): string {
  if (!('logical' in node) || node.logical === undefined) return '';
  const { name, precision, scale } = node.logical;
  return name === 'decimal' ? `decimal(${precision},${scale})` : name;
}

function typeLabel(node: AvroNode): string {
  switch (node.kind) {
    case 'record':
    case 'enum':
    case 'fixed':
      return `${node.kind} "${node.name}"`;
    case 'array':
      return `array<${typeLabel(node.items)}>`;
    case 'map':
      return `map<${typeLabel(node.values)}>`;
    case 'union':
      return unionLabel(node);
    default: {
      const logical = logicalLabel(node);
      return logical === '' ? node.kind : `${node.kind} (${logical})`;
    }
  }
}

function unionLabel(node: AvroUnionNode): string {
  return `[${node.branches.map(typeLabel).join(', ')}]`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

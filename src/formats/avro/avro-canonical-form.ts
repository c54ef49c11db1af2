import type { AvroNamedNode, AvroNode } from './avro-schema-tree.ts';

/**
 * Avro Parsing Canonical Form of a resolved schema ("Transforming into Parsing Canonical Form"
 * in the spec): primitives as bare names, full names only, attributes kept in the order
 * name, type, fields, symbols, items, values, size, every other attribute (doc, aliases,
 * defaults, logical types, order) dropped, a named type spelled out once and referred to by
 * name afterwards, no whitespace.
 */
export function avroCanonicalForm(root: AvroNode): string {
  const written = new Set<AvroNamedNode>();
  const q = JSON.stringify;

  const form = (node: AvroNode): string => {
    switch (node.kind) {
      case 'record':
      case 'enum':
      case 'fixed':
        if (written.has(node)) return q(node.name);
        written.add(node);
        if (node.kind === 'enum') return `{"name":${q(node.name)},"type":"enum","symbols":[${node.symbols.map((s) => q(s)).join(',')}]}`;
        if (node.kind === 'fixed') return `{"name":${q(node.name)},"type":"fixed","size":${node.size}}`;
        return `{"name":${q(node.name)},"type":"record","fields":[${node.fields
          .map((f) => `{"name":${q(f.name)},"type":${form(f.type)}}`)
          .join(',')}]}`;
      case 'array':
        return `{"type":"array","items":${form(node.items)}}`;
      case 'map':
        return `{"type":"map","values":${form(node.values)}}`;
      case 'union':
        return `[${node.branches.map(form).join(',')}]`;
      default:
        return q(node.kind);
    }
  };
  return form(root);
}

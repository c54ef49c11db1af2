// The Avro format layer: schemas, Object Container Files, single-object messages, and the
// mapping of Avro records to catalog columns and rows.
export { AvroErrorCode } from './avro-errors.ts';
export { parseAvroSchema, loadAvroSchemaFile } from './avro-schema.ts';
export type { AvroSchema, ParseAvroSchemaOptions } from './avro-schema.ts';
export { AVRO_LOGICAL_TYPES, AVRO_PRIMITIVE_TYPES, resolveAvroSchemaTree } from './avro-schema-tree.ts';
export type {
  AvroArrayNode,
  AvroEnumNode,
  AvroField,
  AvroFixedNode,
  AvroLogical,
  AvroLogicalTypeName,
  AvroMapNode,
  AvroNamedNode,
  AvroNode,
  AvroNodeKind,
  AvroPrimitiveName,
  AvroPrimitiveNode,
  AvroRecordNode,
  AvroUnionNode,
} from './avro-schema-tree.ts';
export { avroCanonicalForm } from './avro-canonical-form.ts';
export { fingerprintToBytes, fingerprintToDecimal, rabinFingerprint64 } from './rabin-fingerprint.ts';
export { isAvroLong } from './avro-long-type.ts';
export type { AvroLong } from './avro-long-type.ts';
export { AVRO_READ_CODECS, AVRO_WRITE_CODECS } from './avro-codecs.ts';
export type { AvroCodecName, AvroWriteCodec } from './avro-codecs.ts';
export { readAvroHeader } from './avro-header.ts';
export type { AvroHeader } from './avro-header.ts';
export { encodeAvroContainer } from './avro-writer.ts';
export type { EncodeAvroContainerOptions } from './avro-writer.ts';
export { decodeAvroContainer, openAvroContainer, readAvroBlocks, readAvroRecords } from './avro-reader.ts';
export type { AvroBlock, AvroContainer, AvroContainerReader, ReadAvroContainerOptions } from './avro-reader.ts';
export { resolveAvroSchemas } from './avro-resolver.ts';
export type { AvroResolution } from './avro-resolver.ts';
export { SINGLE_OBJECT_MARKER, decodeSingleObject, encodeSingleObject, readSingleObjectFingerprint } from './single-object.ts';
export type { AvroSchemaLookup } from './single-object.ts';
export { MAX_DECIMAL_PRECISION, avroColumnShape, avroToColumns, avroUnionShape } from './avro-columns.ts';
export type { AvroColumnShape, AvroUnionShape } from './avro-columns.ts';
export { avroRecordToRow, blobFromRowSql } from './avro-record-to-row.ts';
export type { AvroRowValue } from './avro-record-to-row.ts';
export { compareAvroSchemas } from './schema-compat.ts';
export type { AvroSchemaComparison } from './schema-compat.ts';

/**
 * What a target receives instead of the whole event: EventBridge's `InputPath` (one JSONPath)
 * and `InputTransformer` (`InputPathsMap` + `InputTemplate` with `<name>` placeholders), per
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html.
 */
import { InvalidTargetInputError } from './event-bus-errors.ts';

/** EventBridge's limits on a transformer (`PutTargets`). */
export const INPUT_PATHS_MAP_MAX_ENTRIES = 100;
export const INPUT_PATH_MAX_LENGTH = 256;
export const INPUT_TEMPLATE_MAX_LENGTH = 8192;

export interface InputTransformer {
  /** Variable name -> JSONPath into the event (`$.detail.state`). At most 100. */
  inputPathsMap?: Record<string, string>;
  /** JSON (or a quoted JSON string) with `<name>` placeholders. 1..8192 characters. */
  inputTemplate: string;
}

/** What a transformer knows besides the event: the rule and when the bus received the event. */
export interface InputContext {
  ruleName: string;
  ruleArn: string;
  /** ISO-8601 time the bus accepted the event. */
  ingestionTime: string;
}

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

/** A parsed JSONPath: `select` returns the value, or undefined when the path does not resolve. */
export interface CompiledInputPath {
  readonly path: string;
  select(value: unknown): unknown;
}

const KEY_CHAR = /[A-Za-z0-9_\-/]/;

/**
 * Parses EventBridge's JSONPath subset: `$`, dot keys of letters, digits, `-`, `_` and `/`,
 * array indices `[0]` and wildcards (`.*`, `[*]`). A path with a wildcard selects an array of
 * every match (Jayway semantics); a definite path selects one value.
 * @throws InvalidTargetInputError for anything outside the subset.
 */
export function compileInputPath(path: string): CompiledInputPath {
  if (typeof path !== 'string' || !path.startsWith('$')) throw new InvalidTargetInputError(`JSONPath ${JSON.stringify(path)} must start with "$"`);
  if (path.length > INPUT_PATH_MAX_LENGTH) throw new InvalidTargetInputError(`JSONPath is longer than ${INPUT_PATH_MAX_LENGTH} characters`);
  const steps: Step[] = [];
  let i = 1;
  const bad = (why: string): never => {
    throw new InvalidTargetInputError(`JSONPath ${JSON.stringify(path)} ${why} at character ${i}; use dot notation such as $.detail.state`);
  };
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
      if (path[i] === '*') {
        steps.push({ kind: 'wildcard' });
        i++;
        continue;
      }
      const start = i;
      while (i < path.length && KEY_CHAR.test(path[i] as string)) i++;
      if (i === start) bad('has an empty or unsupported key');
      steps.push({ kind: 'key', key: path.slice(start, i) });
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) bad('has an unclosed "["');
      const inner = path.slice(i + 1, end);
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^(0|[1-9][0-9]*)$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else bad('has a bracket that is neither an array index nor "*"');
      i = end + 1;
    } else {
      bad(`has an unexpected ${JSON.stringify(c)}`);
    }
  }
  const definite = steps.every((s) => s.kind !== 'wildcard');
  return {
    path,
    select(value) {
      const matches = steps.reduce<unknown[]>((nodes, step) => nodes.flatMap((node) => applyStep(node, step)), [value]);
      return definite ? matches[0] : matches;
    },
  };
}

function applyStep(node: unknown, step: Step): unknown[] {
  if (step.kind === 'key') {
    if (!isObject(node) || !Object.hasOwn(node, step.key)) return [];
    return [node[step.key]];
  }
  if (step.kind === 'index') return Array.isArray(node) && step.index < node.length ? [node[step.index]] : [];
  if (Array.isArray(node)) return node;
  return isObject(node) ? Object.values(node) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renders a transformer's output for one event. */
export type CompiledInputTransformer = (event: Record<string, unknown>, context: InputContext) => unknown;

const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/g;

/**
 * Validates and compiles an input transformer. The output follows EventBridge's quoting rules:
 * - a placeholder in a JSON value position becomes the value as JSON, so strings gain quotes
 *   (`{"state": <state>}` -> `{"state": "RUNNING"}`) and objects and arrays nest as they are;
 * - a placeholder inside a JSON string is inserted as text, and an object or array there loses
 *   its inner quotes (`"got <detail>"` -> `"got {a:1}"`);
 * - the result is parsed: a valid JSON text is delivered as its value (a quoted template such as
 *   `"<x> is in <y>"` delivers a string), anything else as the raw text.
 * Two deliberate differences keep the output valid JSON: text inserted into a string is escaped
 * (EventBridge inserts it unescaped), and a variable whose path does not resolve renders as
 * `null` in a value position (empty inside a string). Unknown `<names>` stay literal text.
 * @throws InvalidTargetInputError for bad names, paths or limits.
 */
export function compileInputTransformer(transformer: InputTransformer): CompiledInputTransformer {
  const template = transformer.inputTemplate;
  if (typeof template !== 'string' || template.length < 1 || template.length > INPUT_TEMPLATE_MAX_LENGTH) {
    throw new InvalidTargetInputError(`inputTemplate must be a string of 1 to ${INPUT_TEMPLATE_MAX_LENGTH} characters`);
  }
  const entries = Object.entries(transformer.inputPathsMap ?? {});
  if (entries.length > INPUT_PATHS_MAP_MAX_ENTRIES) throw new InvalidTargetInputError(`inputPathsMap has ${entries.length} entries; at most ${INPUT_PATHS_MAP_MAX_ENTRIES} are allowed`);
  const paths = new Map<string, CompiledInputPath>();
  for (const [name, path] of entries) {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new InvalidTargetInputError(`inputPathsMap key ${JSON.stringify(name)} must be 1 to 256 letters, digits, "_" or "-"`);
    paths.set(name, compileInputPath(path));
  }
  return (event, context) => {
    const values = new Map<string, unknown>();
    for (const [name, path] of paths) values.set(name, path.select(event));
    const { detail: _detail, ...withoutDetail } = event;
    values.set('aws.events.rule-arn', context.ruleArn);
    values.set('aws.events.rule-name', context.ruleName);
    values.set('aws.events.event', withoutDetail);
    values.set('aws.events.event.json', event);
    values.set('aws.events.event.ingestion-time', context.ingestionTime);
    const text = substitute(template, values);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
}

function substitute(template: string, values: Map<string, unknown>): string {
  const stringRanges = jsonStringRanges(template);
  return template.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    if (!values.has(name)) return whole;
    const value = values.get(name);
    const inString = stringRanges.some(([start, end]) => offset > start && offset < end);
    if (!inString) return value === undefined ? 'null' : JSON.stringify(value);
    return escapeForString(textOf(value));
  });
}

/** Start and end offsets of the double-quoted string literals of a JSON-ish text. */
function jsonStringRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (start >= 0 && c === '\\') i++;
    else if (c === '"') {
      if (start < 0) start = i;
      else {
        ranges.push([start, i]);
        start = -1;
      }
    }
  }
  if (start >= 0) ranges.push([start, text.length]);
  return ranges;
}

function textOf(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return typeof value === 'object' && value !== null ? json.replaceAll('"', '') : json;
}

function escapeForString(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

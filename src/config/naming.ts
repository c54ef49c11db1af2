import { ValidationError } from '../errors.ts';

/**
 * Renders `{placeholder}` templates from a variable map. Unknown placeholders are an error that
 * names the template and the variables that exist.
 */
export function renderTemplate(template: string, vars: Record<string, string>, where: string): string {
  return template.replace(/\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (_m, key: string) => {
    const value = vars[key];
    if (value === undefined) {
      throw new ValidationError(
        'CONFIG_UNKNOWN_VARIABLE',
        `${where}: unknown placeholder {${key}} in "${template}"; defined: ${Object.keys(vars).sort().map((k) => `{${k}}`).join(', ')}`,
        { fields: { path: where, template } },
      );
    }
    return value;
  });
}

/** Renders every string inside a JSON-like value (objects, arrays), keeping its shape. */
export function renderDeep(value: unknown, vars: Record<string, string>, where: string): unknown {
  if (typeof value === 'string') return renderTemplate(value, vars, where);
  if (Array.isArray(value)) return value.map((v, i) => renderDeep(v, vars, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, vars, where ? `${where}.${k}` : k)]));
  }
  return value;
}

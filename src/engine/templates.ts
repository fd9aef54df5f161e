/**
 * Fills `{{name}}` placeholders in step arguments from session variables.
 * A value that is exactly one placeholder keeps the variable's own type (a number stays a number).
 */
export function fillTemplate(value: unknown, vars: Readonly<Record<string, unknown>>): unknown {
  if (typeof value !== 'string') return value;
  const whole = /^\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}$/.exec(value);
  if (whole) return vars[whole[1]!] ?? null;
  return value.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ''));
}

export function fillAll(values: Readonly<Record<string, unknown>>, vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, fillTemplate(value, vars)]));
}

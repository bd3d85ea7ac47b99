/**
 * Options checked where they enter: a number option is a finite number that `ok` accepts, else
 * an error naming the function, the option, what was expected and what was given; an options
 * object's keys are ones the function knows (a typo is not a silent default).
 */

export function numberOption(op: string, name: string, value: unknown, fallback: number, ok: (v: number) => boolean, expected: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new Error(`${op}: ${name} must be ${expected}, got ${typeof value === 'string' ? `the string '${value}'` : Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}`);
  }
  return value;
}

export const nonNegativeInt = (v: number): boolean => Number.isInteger(v) && v >= 0;

/** Refuses keys of `options` outside `known`, suggesting the nearest known one. */
export function knownKeys(op: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => k.toLowerCase().replace(/_/g, '') === key.toLowerCase().replace(/_/g, '') || editDistance(k, key) <= 2);
    throw new Error(`${op}: unknown option '${key}'${near === undefined ? '' : ` (did you mean '${near}'?)`}; ${op} takes ${known.join(', ')}`);
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** `{[key]: v}`, or nothing when v is undefined: an optional config field spread in only when given. */
export function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

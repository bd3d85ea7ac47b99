/**
 * Name lookup shared by every registry (activations, losses, optimizers, metrics,
 * initializers): tfjs camelCase and Keras snake_case spell the same thing, so names are
 * compared with case and underscores removed. Unknown names list the valid ones.
 */
export function canonical(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

export function lookup<T>(kind: string, table: Readonly<Record<string, T>>, name: string): T {
  const key = canonical(name);
  for (const [k, v] of Object.entries(table)) if (canonical(k) === key) return v;
  const plural = kind.endsWith('s') ? `${kind}es` : `${kind}s`;
  throw new Error(`Unknown ${kind} '${name}'. Valid ${plural}: ${Object.keys(table).join(', ')}`);
}

/** A camelCase name in Keras's snake_case, at the type level: 'leakyRelu' → 'leaky_relu'. */
export type SnakeCase<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}`
  : S;

/** The spellings of a registry's names that types offer: tfjs's camelCase and Keras's snake_case. */
export type Spellings<S extends string> = S | SnakeCase<S>;

/**
 * A name of `U` where the argument is a literal (so a typo is a compile error, with
 * TypeScript's "did you mean"), or any `string` where it comes from a variable (checked when it
 * runs): for the options tfjs types as `string` (`compile`'s loss, optimizer and metrics).
 */
export type Checked<S extends string, U extends string> = S extends U ? S : string extends S ? S : U;

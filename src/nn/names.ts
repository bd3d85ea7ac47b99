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

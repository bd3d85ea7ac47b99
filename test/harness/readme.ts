/**
 * The README's promises, made checkable: a line of a code block whose comment begins with a
 * value (`console.log(loss.item()); // ≈ 0.04`, `J.item(); // 33`, `const dx = …; // [2, 4]`)
 * is rewritten to compare what it computes with what the comment says.
 *
 * A comment is read as JavaScript literals (numbers, quoted strings, true/false/null, arrays,
 * objects with bare keys) separated by spaces or commas, as console.log prints its arguments,
 * up to the first word that is not a value: `// 3 = dJ/dv` promises 3, `// true: it learns`
 * promises true, `// the weights` promises nothing. `…` or `...` inside an array or object
 * means "and more". Numbers match when the actual value rounds to the printed digits; after
 * `≈`, within one unit of the last printed digit.
 */

export type Expected =
  | { kind: 'number'; value: number; decimals: number }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; value: boolean | null }
  | { kind: 'array'; items: Expected[]; more: boolean }
  | { kind: 'object'; entries: [string, Expected][]; more: boolean };

export interface Promised {
  approx: boolean;
  values: Expected[];
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
  peek(): string {
    return this.s[this.i] ?? '';
  }
  startsValue(): boolean {
    const rest = this.s.slice(this.i);
    return /^(-?\d|'|"|\[|\{|true\b|false\b|null\b)/.test(rest);
  }
  ellipsis(): boolean {
    this.ws();
    for (const e of ['...', '…']) {
      if (this.s.startsWith(e, this.i)) {
        this.i += e.length;
        return true;
      }
    }
    return false;
  }
  value(): Expected {
    this.ws();
    const rest = this.s.slice(this.i);
    const num = /^-?\d+(\.\d+)?(e[-+]?\d+)?/i.exec(rest);
    if (num !== null) {
      this.i += num[0].length;
      return { kind: 'number', value: Number(num[0]), decimals: num[1] === undefined ? 0 : num[1].length - 1 };
    }
    const word = /^(true|false|null)\b/.exec(rest);
    if (word !== null) {
      this.i += word[0].length;
      return { kind: 'literal', value: word[0] === 'null' ? null : word[0] === 'true' };
    }
    const c = this.peek();
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) throw new Error(`unterminated string in comment: ${this.s}`);
      const value = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return { kind: 'string', value };
    }
    if (c === '[') return this.list(']', () => this.value(), (items, more) => ({ kind: 'array', items, more }));
    if (c === '{') {
      return this.list('}', () => {
        this.ws();
        const key = /^(\w+|'[^']*'|"[^"]*")\s*:/.exec(this.s.slice(this.i));
        if (key === null) throw new Error(`expected 'key:' at ${this.i} in comment: ${this.s}`);
        this.i += key[0].length;
        return [key[1]!.replace(/^['"]|['"]$/g, ''), this.value()] as [string, Expected];
      }, (entries, more) => ({ kind: 'object', entries, more }));
    }
    throw new Error(`expected a value at ${this.i} in comment: ${this.s}`);
  }
  list<T>(close: string, item: () => T, make: (items: T[], more: boolean) => Expected): Expected {
    this.i++;
    const items: T[] = [];
    let more = false;
    for (;;) {
      this.ws();
      if (this.peek() === close) break;
      if (this.ellipsis()) more = true;
      else items.push(item());
      this.ws();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== close) throw new Error(`expected ',' or '${close}' at ${this.i} in comment: ${this.s}`);
    }
    this.i++;
    return make(items, more);
  }
}

/** What a comment promises, or null when it is prose. */
export function readPromise(comment: string): Promised | null {
  const r = new Reader(comment.trim());
  let approx = false;
  if (r.peek() === '≈') {
    approx = true;
    r.i++;
    r.ws();
  }
  if (!r.startsValue()) {
    if (approx) throw new Error(`'≈' not followed by a value in comment: ${comment}`);
    return null;
  }
  const values: Expected[] = [];
  for (;;) {
    values.push(r.value());
    const save = r.i;
    r.ws();
    if (r.peek() === ',') {
      r.i++;
      r.ws();
    }
    if (!r.startsValue()) {
      r.i = save;
      break;
    }
  }
  return { approx, values };
}

const show = (e: Expected): string => {
  switch (e.kind) {
    case 'number': return e.value.toFixed(e.decimals);
    case 'string': return `'${e.value}'`;
    case 'literal': return String(e.value);
    case 'array': return `[${[...e.items.map(show), ...(e.more ? ['…'] : [])].join(', ')}]`;
    case 'object': return `{ ${[...e.entries.map(([k, v]) => `${k}: ${show(v)}`), ...(e.more ? ['…'] : [])].join(', ')} }`;
  }
};

/** Tensors compare by their values (a scalar as a number). */
function plain(x: unknown): unknown {
  if (x !== null && typeof x === 'object' && 'arraySync' in x && typeof x.arraySync === 'function') {
    const t = x as { rank: number; item(): number; arraySync(): unknown };
    return t.rank === 0 ? t.item() : t.arraySync();
  }
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return Array.from(x as unknown as ArrayLike<number>);
  return x;
}

/** Where `actual` differs from `expected` ('' when it matches). */
export function mismatch(actualRaw: unknown, expected: Expected, approx: boolean, path = ''): string {
  const actual = plain(actualRaw);
  const at = path === '' ? '' : ` at ${path}`;
  const got = (): string => {
    try {
      return JSON.stringify(actual) ?? String(actual);
    } catch {
      return String(actual);
    }
  };
  switch (expected.kind) {
    case 'number': {
      if (typeof actual !== 'number') return `expected ${show(expected)}${at}, got ${got()}`;
      const unit = 10 ** -expected.decimals;
      const ok = approx && expected.decimals > 0
        ? Math.abs(actual - expected.value) <= unit * (1 + 1e-9)
        : Number(actual.toFixed(expected.decimals)) === expected.value || Math.abs(actual - expected.value) < unit / 2;
      return ok ? '' : `expected ${approx ? '≈ ' : ''}${show(expected)}${at}, got ${actual}`;
    }
    case 'string':
    case 'literal':
      return actual === expected.value ? '' : `expected ${show(expected)}${at}, got ${got()}`;
    case 'array': {
      if (!Array.isArray(actual)) return `expected ${show(expected)}${at}, got ${got()}`;
      if (expected.more ? actual.length < expected.items.length : actual.length !== expected.items.length) {
        return `expected ${show(expected)}${at} (${expected.items.length}${expected.more ? '+' : ''} items), got ${actual.length}: ${got()}`;
      }
      for (let i = 0; i < expected.items.length; i++) {
        const m = mismatch(actual[i], expected.items[i]!, approx, `${path}[${i}]`);
        if (m !== '') return m;
      }
      return '';
    }
    case 'object': {
      if (actual === null || typeof actual !== 'object') return `expected ${show(expected)}${at}, got ${got()}`;
      const rec = actual as Record<string, unknown>;
      const keys = Object.keys(rec);
      const want = expected.entries.map(([k]) => k);
      if (!expected.more && (keys.length !== want.length || keys.some((k) => !want.includes(k)))) {
        return `expected keys ${want.join(', ')}${at}, got ${keys.join(', ')}`;
      }
      for (const [k, v] of expected.entries) {
        if (!(k in rec)) return `expected key '${k}'${at}, got ${keys.join(', ')}`;
        const m = mismatch(rec[k], v, approx, `${path}.${k}`);
        if (m !== '') return m;
      }
      return '';
    }
  }
}

/** Checks one line's values against its comment; throws naming the line. */
export function checkLine(where: string, comment: string, actuals: unknown[]): void {
  const p = readPromise(comment)!;
  if (actuals.length !== p.values.length) {
    throw new Error(`${where}: the comment promises ${p.values.length} value(s) (${p.values.map(show).join(' ')}), the line gives ${actuals.length}`);
  }
  p.values.forEach((e, i) => {
    const m = mismatch(actuals[i], e, p.approx);
    if (m !== '') throw new Error(`${where}: ${m} (comment: // ${comment.trim()})`);
  });
}

/**
 * The block with each promising line turned into a check: `console.log(a, b); // v w` checks a
 * and b, `expr; // v` checks expr, `const x = …; // v` checks x. Returns how many lines it
 * turned. `check` is the name of a global with checkLine's signature.
 */
export function instrument(code: string, where: string, check = '__readmeCheck'): { code: string; checks: number } {
  let checks = 0;
  const lines = code.split('\n').map((line, n) => {
    const m = /^(\s*)(.*?;)\s*\/\/(.*)$/.exec(line);
    if (m === null) return line;
    const [, indent, statement, comment] = m as unknown as [string, string, string, string];
    if (readPromise(comment) === null) return line;
    const call = (values: string): string => `${check}(${JSON.stringify(`${where} line ${n + 1}`)}, ${JSON.stringify(comment)}, [${values}])`;
    const log = /^console\.log\((.*)\);$/.exec(statement);
    const decl = /^(?:const|let)\s+(\w+)(?:\s*:[^=]+)?\s*=.*;$/.exec(statement);
    checks++;
    if (log !== null) return `${indent}${call(log[1]!)};`;
    if (decl !== null) return `${indent}${statement} ${call(decl[1]!)};`;
    if (/^(const|let|var|import|export|if|for|while|return|class|function)\b/.test(statement)) {
      throw new Error(`${where} line ${n + 1}: a comment promises a value but the line is not an expression, a console.log or a const: ${line}`);
    }
    return `${indent}${call(statement.slice(0, -1))};`;
  });
  return { code: lines.join('\n'), checks };
}

/**
 * Finds where a JSON text stops being valid: the offset of the first character a strict JSON parser
 * refuses (or the text's length when it ends too early), as 1-based line and column. Node 20's
 * `JSON.parse` messages do not always carry a position, so clipcast scans the text itself.
 *
 * @example
 * ```ts
 * jsonErrorPosition('{\n  "a": 1,\n}'); // { offset: 12, line: 3, column: 1 }
 * jsonErrorPosition('{"a": 1}');         // null (valid)
 * ```
 */
export function jsonErrorPosition(text: string): { offset: number; line: number; column: number } | null {
  const offset = firstBadOffset(text);
  if (offset === null) return null;
  const before = text.slice(0, offset).split('\n');
  return { offset, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

class Bad {
  constructor(readonly at: number) {}
}

function firstBadOffset(text: string): number | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (literal: string) => {
    for (const ch of literal) {
      if (text[i] !== ch) throw new Bad(i);
      i++;
    }
  };
  const string = () => {
    expect('"');
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') return void i++;
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw new Bad(i);
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else throw new Bad(i);
      } else if (ch < ' ') throw new Bad(i);
      else i++;
    }
    throw new Bad(i);
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') throw new Bad(i);
    i += match[0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}');
        return;
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']');
        return;
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return expect('true');
    if (ch === 'f') return expect('false');
    if (ch === 'n') return expect('null');
    return number();
  };
  try {
    value();
    ws();
    return i < text.length ? i : null;
  } catch (error) {
    if (error instanceof Bad) return error.at;
    throw error;
  }
}

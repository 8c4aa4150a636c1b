import { Transform } from 'node:stream';

/**
 * Whether output to `stream` is coloured: never with `NO_COLOR` set (https://no-color.org), always with
 * `FORCE_COLOR` set to anything but `0`/`false`, else only on a terminal that is not `TERM=dumb`.
 */
export function colorsEnabled(env: NodeJS.ProcessEnv, onTerminal: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return onTerminal && env.TERM !== 'dumb';
}

/** ANSI styles that are identity functions when colours are off. */
export function palette(enabled: boolean) {
  const sgr = (open: number, close: number) => (text: string) => (enabled ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/** The styles of {@link palette}. */
export type Palette = ReturnType<typeof palette>;

/** A colour code (Select Graphic Rendition): ESC [ params m. */
const SGR = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');

/**
 * `stream` itself when colours are on; else a pass-through to it that drops colour codes (SGR) and
 * keeps cursor movement, for libraries that colour unconditionally (the prompt library on Node 20).
 */
export function withoutColors(stream: NodeJS.WritableStream, enabled: boolean): NodeJS.WritableStream {
  if (enabled) return stream;
  const strip = new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, chunk.toString('utf8').replace(SGR, ''));
    },
  });
  strip.pipe(stream as NodeJS.WritableStream);
  const tty = stream as { isTTY?: boolean; columns?: number; rows?: number; on?: (e: string, f: () => void) => void };
  Object.assign(strip, { isTTY: tty.isTTY, columns: tty.columns ?? 80, rows: tty.rows ?? 24 });
  tty.on?.('resize', () => Object.assign(strip, { columns: tty.columns, rows: tty.rows }));
  return strip;
}

import { PassThrough } from 'node:stream';

const ESCAPE = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]`, 'g');

export const KEY = { enter: '\r', down: '\x1b[B', space: ' ', clearLine: '\x15', ctrlC: '\x03' };

/**
 * A terminal for the prompt library's streams (its own tests drive it the same way): keys written to
 * `input`, the screen read from `output` with the escape codes dropped. Each key is sent only once the
 * screen shows what it answers, so nothing depends on timing.
 */
export function fakeTerminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
  let screen = '';
  let raw = '';
  let waiters: { text: string; from: number; resolve: (at: number) => void }[] = [];
  let seen = 0;
  output.on('data', (d: Buffer) => {
    raw += d.toString('utf8');
    screen += d.toString('utf8').replace(ESCAPE, '');
    waiters = waiters.filter((w) => {
      const at = screen.indexOf(w.text, w.from);
      if (at >= 0) w.resolve(at + w.text.length);
      return at < 0;
    });
  });
  return {
    input,
    output,
    screen: () => screen,
    /** Everything written, escape codes included. */
    raw: () => raw,
    /** Waits until `text` appears after what was already waited for. */
    async see(text: string): Promise<void> {
      seen = await new Promise<number>((resolve, reject) => {
        const at = screen.indexOf(text, seen);
        if (at >= 0) return resolve(at + text.length);
        // Only a diagnostic: a screen that never shows the text fails with what it shows instead.
        const timer = setTimeout(() => reject(new Error(`the screen never showed "${text}"; it shows:\n${screen.slice(-1500)}`)), 20_000);
        waiters.push({ text, from: seen, resolve: (n) => (clearTimeout(timer), resolve(n)) });
      });
    },
    keys(...keys: string[]) {
      for (const k of keys) input.write(k);
    },
  };
}

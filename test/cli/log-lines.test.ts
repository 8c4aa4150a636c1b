import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/worker/pino-logger.js';
import { loadConfig } from '../../src/config/load-config.js';

describe('log lines', () => {
  it('pretty: time, level, message and fields as key=value, secrets still redacted; coloured only when asked', () => {
    const lines: string[] = [];
    const log = createLogger('info', 2, { format: 'pretty', write: (l) => lines.push(l) });
    log.info({ postId: 'post_1', platform: 'tiktok', credentials: { accessToken: 'SECRET' } }, 'published');
    log.warn({ retryInMs: 500 }, 'retrying');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}published {2}postId=post_1 platform=tiktok credentials=\[redacted\]\n$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d WARN {2}retrying {2}retryInMs=500\n$/);
    expect(lines.join('')).not.toContain('SECRET');
    expect(lines.join('')).not.toContain('\u001b[');
    const colored: string[] = [];
    createLogger('info', 2, { format: 'pretty', color: true, write: (l) => colored.push(l) }).error({}, 'failed');
    expect(colored[0]).toContain('\u001b[31mERROR');
  });

  it('json stays one pino object a line', () => {
    const lines: string[] = [];
    createLogger('info', 2, { write: (l) => lines.push(l) }).info({ postId: 'p', postiz: { apiKey: 'k' } }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'hello', postId: 'p' });
    expect(lines[0]).not.toContain('"k"');
  });

  it('the format is configurable: auto by default, json or pretty, anything else refused naming the variable', () => {
    expect(loadConfig({ CLIPCAST_HOME: '/nonexistent-clipcast' }).logFormat).toBe('auto');
    expect(loadConfig({ CLIPCAST_HOME: '/nonexistent-clipcast', CLIPCAST_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ CLIPCAST_HOME: '/nonexistent-clipcast', CLIPCAST_LOG_FORMAT: 'fancy' })).toThrow(/CLIPCAST_LOG_FORMAT/);
  });
});

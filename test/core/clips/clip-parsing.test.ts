import { describe, expect, it } from 'vitest';
import { countHashtags, countMentions, extractHashtags } from '../../../src/core/clips/extract-hashtags.js';
import { clipIdFromFileName, isTempFileName } from '../../../src/core/clips/find-clip-files.js';
import { jsonErrorPosition } from '../../../src/core/clips/json-error-position.js';
import { parseGeneratedAt } from '../../../src/core/clips/parse-generated-at.js';

describe('extractHashtags', () => {
  it('finds the hashtags CLIPER mixes into copies, with accents and emojis around', () => {
    expect(extractHashtags('Llegué a México por 6 meses y terminé hablando de #AI. Mi vida dio un giro 🤯 #DevJourney #AICDMX')).toEqual(['AI', 'DevJourney', 'AICDMX']);
    expect(extractHashtags('¡Matemáticas! ♟️#Ajedrez #Programación #niño_2025')).toEqual(['Ajedrez', 'Programación', 'niño_2025']);
  });
  it('skips numbers, URL fragments, repeats and C#', () => {
    expect(extractHashtags('Top #1 https://x.com/a#frag C# and &#38; #tag #TAG #tag2')).toEqual(['tag', 'tag2']);
    expect(countHashtags('#a #b #a #1')).toBe(3);
  });
  it('counts mentions, not e-mail addresses', () => {
    expect(countMentions('thanks @ana and @luis.dev, write to a@b.co')).toBe(2);
  });
});

describe('parseGeneratedAt', () => {
  it("reads CLIPER's naive timestamps without inventing a zone", () => {
    expect(parseGeneratedAt('2025-11-08 00:27:43.333937')).toBe('2025-11-08T00:27:43.333');
    expect(parseGeneratedAt('2025-11-08 00:27')).toBe('2025-11-08T00:27:00.000');
  });
  it('normalizes zoned timestamps to UTC', () => {
    expect(parseGeneratedAt('2025-11-08T00:27:43Z')).toBe('2025-11-08T00:27:43.000Z');
    expect(parseGeneratedAt('2025-11-08T00:27:43.5-0600')).toBe('2025-11-08T06:27:43.500Z');
  });
  it('refuses what is not a real date-time', () => {
    for (const raw of ['', 'yesterday', '2025-02-30 10:00:00', '2025-11-08 25:00:00', '08/11/2025']) expect(parseGeneratedAt(raw), raw).toBeNull();
  });
});

describe('clip file names', () => {
  it('maps names to ids', () => {
    expect(clipIdFromFileName('7.mp4')).toBe(7);
    expect(clipIdFromFileName('007.MP4')).toBe(7);
    expect(clipIdFromFileName('clip_012_9x16_subs.mp4')).toBe(12);
    expect(clipIdFromFileName('clip_3.mp4')).toBe(3);
    expect(clipIdFromFileName('0.mp4')).toBeNull();
    expect(clipIdFromFileName('intro.mp4')).toBeNull();
    expect(clipIdFromFileName('7.srt')).toBeNull();
  });
  it('recognizes temp leftovers', () => {
    for (const name of ['3_temp.mp4', '3_step1_temp.mp4', 'clip_003_step2_temp.mp4', 'temp_3.mp4', '3.tmp.mp4']) {
      expect(isTempFileName(name), name).toBe(true);
      expect(clipIdFromFileName(name), name).toBeNull();
    }
    expect(isTempFileName('clip_004_template.mp4')).toBe(false);
  });
});

describe('jsonErrorPosition', () => {
  it('points at the first bad character', () => {
    expect(jsonErrorPosition('{\n  "a": 1,\n}')).toEqual({ offset: 12, line: 3, column: 1 });
    expect(jsonErrorPosition('{"a": tru}')).toMatchObject({ line: 1, column: 10 });
    expect(jsonErrorPosition('{"a": "x\ny"}')).toMatchObject({ line: 1, column: 9 });
    expect(jsonErrorPosition('[1, 2] x')).toMatchObject({ line: 1, column: 8 });
    expect(jsonErrorPosition('{"a": [')).toMatchObject({ offset: 7 });
    expect(jsonErrorPosition('{"a": 01}')).toMatchObject({ column: 8 });
  });
  it('answers null for valid JSON, e.g. the real fixtures', () => {
    expect(jsonErrorPosition('{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {}}')).toBeNull();
    expect(jsonErrorPosition(' [] ')).toBeNull();
  });
});

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCliperFolder } from '../../../src/core/clips/load-cliper-folder.js';
import type { CliperCampaign } from '../../../src/core/clips/cliper-campaign.js';
import { InputError } from '../../../src/core/input-error.js';
import { probeMp4 } from '../../../src/media/probe.js';
import { CLIPER_FIXTURES, EXAMPLE_CAMPAIGN, makeCliperFolder, readCliperFixture } from '../../helpers/cliper-fixtures.js';

let tmp: string;
let n = 0;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'clipcast-loader-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const fresh = (name = `case ${++n}`) => path.join(tmp, name);
const codes = (c: CliperCampaign) => c.problems.map((p) => p.code).sort();

describe('loadCliperFolder on the five real CLIPER files', () => {
  const layouts = ['flat', 'styled', 'legacy', 'flat', 'styled'] as const;
  for (const [i, fixture] of CLIPER_FIXTURES.entries()) {
    it(`loads ${fixture} (${layouts[i]} layout)`, async () => {
      const json = await readCliperFixture(fixture);
      const dir = fresh(`${String(json.video_id)} ${i}`);
      await makeCliperFolder(dir, { json: fixture, layout: layouts[i] });
      const campaign = await loadCliperFolder(dir);
      const clips = json.clips as Array<{ clip_id: number; copy: string; metadata: Record<string, unknown> }>;
      expect(campaign.videoId).toBe(json.video_id);
      expect(campaign.clips).toHaveLength(clips.length);
      expect(campaign.problems).toEqual([]);
      expect(campaign.generatedAtRaw).toBe(json.generated_at);
      expect(campaign.generatedAt).toBe(`${String(json.generated_at).replace(' ', 'T').slice(0, 23)}`);
      expect(campaign.model).toBe('gemini-2.5-flash');
      expect(campaign.style).toBe('auto-classified');
      expect(campaign.extra).toHaveProperty('classification_metadata');
      expect(campaign.extra).toHaveProperty('total_clips', json.total_clips);
      expect(campaign.clipsFileSha256).toBe(createHash('sha256').update(await readFile(path.join(dir, 'copys/clips_copys.json'))).digest('hex'));
      for (const [k, clip] of campaign.clips.entries()) {
        const raw = clips[k]!;
        expect(clip.clipId).toBe(raw.clip_id);
        expect(clip.copy).toBe(raw.copy);
        expect(clip.file).not.toBeNull();
        expect(path.isAbsolute(clip.file!)).toBe(true);
        expect(clip.hashtags.length).toBeGreaterThan(0);
        for (const tag of clip.hashtags) expect(raw.copy).toContain(`#${tag}`);
        expect(clip.metadata.viralPotential).toBe(raw.metadata.viral_potential);
        expect(clip.metadata.suggestedThumbnailTimestamp).toBe(raw.metadata.suggested_thumbnail_timestamp);
        expect(clip.metadata.primaryTopics).toEqual(raw.metadata.primary_topics);
        expect(clip.metadata.hookStrength).toBe(raw.metadata.hook_strength);
      }
      if (layouts[i] === 'styled') expect(campaign.clips.some((c) => c.styleFolder !== null)).toBe(true);
      else expect(campaign.clips.every((c) => c.styleFolder === null)).toBe(true);
    });
  }

  it('keeps newer per-clip fields (opening_words, …) in extra', async () => {
    const dir = fresh('＂Sólo dos minutos＂ Corto de comedia_zRXVI8XjVn4');
    await makeCliperFolder(dir, { json: 'solo-dos-minutos-zRXVI8XjVn4.json' });
    const campaign = await loadCliperFolder(dir);
    expect(campaign.clips[0]!.extra).toEqual({ opening_words: '', opening_words_used: false, speaker_hashtags_provided: [] });
    expect(campaign.root).toBe(dir);
  });

  it('loads the committed example campaign, with a clip in viral/', async () => {
    const campaign = await loadCliperFolder(EXAMPLE_CAMPAIGN);
    expect(campaign.problems).toEqual([]);
    expect(campaign.clips.map((c) => c.clipId)).toEqual([1, 2, 3, 4]);
    expect(campaign.clips[2]).toMatchObject({ styleFolder: 'viral', file: path.join(EXAMPLE_CAMPAIGN, 'viral', '3.mp4') });
    for (const clip of campaign.clips) expect(await probeMp4(clip.file!)).toMatchObject({ ok: true, faststart: true });
  });
});

describe('loadCliperFolder quirks', () => {
  const base = (clips: unknown[], more: Record<string, unknown> = {}) => ({ video_id: 'v', generated_at: '2025-11-08 00:27:43.333937', model: 'm', total_clips: clips.length, style: 'viral', clips, ...more });
  const clip = (id: number, copy = `Clip ${id} 🤯 #Tag${id} #AICDMX`) => ({ clip_id: id, copy, metadata: { viral_potential: id } });

  it('accepts the path to clips_copys.json and resolves the folder above copys/', async () => {
    const dir = fresh('Folder with spaces, accents (é) and ＂quotes＂ – v2');
    await makeCliperFolder(dir, { json: base([clip(1), clip(2)]) });
    const campaign = await loadCliperFolder(path.join(dir, 'copys', 'clips_copys.json'));
    expect(campaign.root).toBe(dir);
    expect(campaign.clips.map((c) => c.file)).toEqual([path.join(dir, '1.mp4'), path.join(dir, '2.mp4')]);
  });

  it('matches <id>.mp4, <style>/<id>.mp4 and clip_00N_….mp4, and ignores temp leftovers', async () => {
    const dir = fresh();
    const where: Record<number, string> = { 1: '1.mp4', 2: 'viral/2.mp4', 3: 'clip_003_9x16_subs.mp4', 4: 'educational/clip_004.mp4', 5: 'unclassified/005.mp4' };
    await makeCliperFolder(dir, {
      json: base([1, 2, 3, 4, 5].map((id) => clip(id))),
      layout: (id) => where[id] ?? null,
      extraFiles: { '3_step1_temp.mp4': 'x', '2_temp.mp4': 'x', 'viral/4_step2_temp.mp4': 'x', 'temp_1.mp4': '', 'copys/1.mp4': 'not a clip folder', '1.srt': '1\n' },
    });
    const campaign = await loadCliperFolder(dir);
    expect(campaign.problems).toEqual([]);
    expect(campaign.clips.map((c) => [c.clipId, path.relative(dir, c.file!), c.styleFolder])).toEqual([
      [1, '1.mp4', null],
      [2, 'viral/2.mp4', 'viral'],
      [3, 'clip_003_9x16_subs.mp4', null],
      [4, 'educational/clip_004.mp4', 'educational'],
      [5, 'unclassified/005.mp4', 'unclassified'],
    ]);
  });

  it('reports a missing file, an unlisted file and an unrecognized name as per-clip problems', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: base([clip(1), clip(2)]), layout: (id) => (id === 2 ? null : `${id}.mp4`), extraFiles: { '9.mp4': 'x', 'intro.mp4': 'x' } });
    const campaign = await loadCliperFolder(dir);
    expect(codes(campaign)).toEqual(['CLIP_FILE_MISSING', 'CLIP_FILE_UNLISTED', 'CLIP_FILE_UNRECOGNIZED']);
    const missing = campaign.problems.find((p) => p.code === 'CLIP_FILE_MISSING')!;
    expect(missing).toMatchObject({ clipId: 2, severity: 'error' });
    expect(missing.message).toMatch(/Clip 2 .*no file.*Fix:/);
    expect(campaign.clips[1]).toMatchObject({ clipId: 2, file: null });
    expect(campaign.problems.find((p) => p.code === 'CLIP_FILE_UNLISTED')).toMatchObject({ clipId: 9, severity: 'warning', file: path.join(dir, '9.mp4') });
    expect(campaign.problems.find((p) => p.code === 'CLIP_FILE_UNRECOGNIZED')).toMatchObject({ clipId: null, severity: 'warning' });
  });

  it('refuses to guess between two files for one id', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: base([clip(7)]), extraFiles: { 'viral/7.mp4': 'x', 'clip_007_9x16_subs.mp4': 'y' } });
    const campaign = await loadCliperFolder(dir);
    expect(codes(campaign)).toEqual(['CLIP_FILE_DUPLICATE']);
    expect(campaign.problems[0]).toMatchObject({ clipId: 7, severity: 'error' });
    expect(campaign.problems[0]!.message).toContain('3 files');
    expect(campaign.problems[0]!.message).toContain('viral/7.mp4');
    expect(campaign.clips[0]!.file).toBeNull();
  });

  it('warns about missing_clips and total_clips ≠ clips.length', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: base([clip(1), clip(3)], { total_clips: 3, generation_metadata: { incomplete: true, missing_clips: [2], note: 'x' } }) });
    const campaign = await loadCliperFolder(dir);
    expect(codes(campaign)).toEqual(['CLIPS_COUNT_MISMATCH', 'CLIPS_GENERATION_INCOMPLETE']);
    expect(campaign.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(campaign.problems.find((p) => p.code === 'CLIPS_GENERATION_INCOMPLETE')!.message).toContain('clip 2');
    expect(campaign.problems.find((p) => p.code === 'CLIPS_COUNT_MISMATCH')!.message).toContain('total_clips is 3 but lists 2');
  });

  it('keeps unknown fields at the top level, per clip and in metadata; drops a mistyped metadata field with a warning', async () => {
    const dir = fresh();
    const json = base([{ clip_id: 1, copy: 'x #a', future_field: { a: 1 }, metadata: { viral_potential: 'high', sentiment: 'humorous', new_score: 3 } }], { pipeline_version: '3.1', average_engagement: 8 });
    await makeCliperFolder(dir, { json });
    const campaign = await loadCliperFolder(dir);
    expect(campaign.extra).toMatchObject({ pipeline_version: '3.1', average_engagement: 8, total_clips: 1 });
    expect(campaign.clips[0]!.extra).toEqual({ future_field: { a: 1 } });
    expect(campaign.clips[0]!.metadata).toEqual({ sentiment: 'humorous', extra: { new_score: 3 } });
    expect(campaign.problems).toMatchObject([{ clipId: 1, code: 'CLIP_METADATA_INVALID', severity: 'warning' }]);
    expect(campaign.problems[0]!.message).toContain('viral_potential');
  });

  it('needs only clip_id and copy; reads ISO and odd timestamps; tolerates a BOM', async () => {
    const dir = fresh('minimal');
    await makeCliperFolder(dir, { json: `\uFEFF${JSON.stringify({ generated_at: '2025-11-08T00:27:43+02:00', clips: [{ clip_id: 1, copy: 'hola' }] })}` });
    const campaign = await loadCliperFolder(dir);
    expect(campaign).toMatchObject({ videoId: 'minimal', generatedAt: '2025-11-07T22:27:43.000Z', style: null, model: null, problems: [] });
    expect(campaign.clips[0]).toMatchObject({ hashtags: [], metadata: {}, extra: {} });

    const odd = fresh();
    await makeCliperFolder(odd, { json: { generated_at: 'ayer por la tarde', clips: [{ clip_id: 1, copy: '' }] } });
    const oddCampaign = await loadCliperFolder(odd);
    expect(oddCampaign.generatedAt).toBeNull();
    expect(oddCampaign.generatedAtRaw).toBe('ayer por la tarde');
    expect(codes(oddCampaign)).toEqual(['CLIPS_GENERATED_AT_UNPARSED', 'CLIP_COPY_EMPTY']);
  });

  it('warns about an empty clips list', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: { video_id: 'v', clips: [] } });
    const campaign = await loadCliperFolder(dir);
    expect(campaign.clips).toEqual([]);
    expect(campaign.problems).toMatchObject([{ code: 'CLIPS_EMPTY', severity: 'warning' }]);
  });

  it('reports a clip_id listed twice', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: base([clip(1), clip(1, 'other')]) });
    const campaign = await loadCliperFolder(dir);
    expect(campaign.clips).toHaveLength(1);
    expect(campaign.problems).toMatchObject([{ clipId: 1, code: 'CLIP_ID_DUPLICATE', severity: 'error' }]);
  });
});

describe('loadCliperFolder whole-input errors', () => {
  async function rejection(target: string): Promise<InputError> {
    const error = await loadCliperFolder(target).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }

  it('a missing folder', async () => {
    const error = await rejection(path.join(tmp, 'does not exist'));
    expect(error.code).toBe('FOLDER_NOT_FOUND');
    expect(error.message).toContain('does not exist');
    expect(error.hint).toContain('copys/clips_copys.json');
  });

  it('a folder without copys/clips_copys.json, and the output/ folder above campaigns', async () => {
    const dir = fresh();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, '1.mp4'), 'x');
    const error = await rejection(dir);
    expect(error.code).toBe('CLIPS_FILE_NOT_FOUND');
    expect(error.subject).toBe(dir);

    const output = fresh('output');
    await makeCliperFolder(path.join(output, 'My talk'), { json: { clips: [{ clip_id: 1, copy: 'x' }] } });
    const above = await rejection(output);
    expect(above.hint).toContain('My talk');
  });

  it('malformed JSON, with line and column', async () => {
    const dir = fresh();
    await makeCliperFolder(dir, { json: '{\n  "video_id": "v",\n  "clips": [\n    { "clip_id": 1, "copy": "x" },\n  ]\n}' });
    const error = await rejection(dir);
    expect(error.code).toBe('CLIPS_FILE_MALFORMED');
    expect(error.message).toContain(path.join(dir, 'copys', 'clips_copys.json'));
    expect(error.message).toContain('line 5, column 3');
  });

  it('wrong types name the clip and the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ clips: [{ clip_id: 1, copy: 'a' }, { clip_id: 0, copy: 'b' }] }, /clip #2 in the list, field "clip_id": must be a whole number from 1, found number 0/],
      [{ clips: [{ clip_id: '3', copy: 'b' }] }, /clip #1 in the list, field "clip_id": must be a whole number from 1, found the string "3"/],
      [{ clips: [{ clip_id: 2.5, copy: 'b' }] }, /field "clip_id"/],
      [{ clips: [{ clip_id: 1, copy: 'a' }, { clip_id: 4, copy: 12 }] }, /clip 4, field "copy": must be a string \(the caption\), found number 12/],
      [{ clips: [{ clip_id: 4 }] }, /clip 4, field "copy": .*missing/],
      [{ video_id: 'v' }, /field "clips": must be an array of clips, found nothing/],
      [{ clips: 'none' }, /field "clips": must be an array/],
      [{ clips: [7] }, /clip #1 in the list: must be an object/],
      [[1, 2], /must hold a JSON object/],
    ];
    for (const [json, pattern] of cases) {
      const dir = fresh();
      await makeCliperFolder(dir, { json: JSON.stringify(json) });
      const error = await rejection(dir);
      expect(error.code).toBe('CLIPS_FILE_INVALID');
      expect(error.message).toMatch(pattern);
      expect(error.message).toContain('clips_copys.json');
    }
  });

  it('a file that is not .json', async () => {
    const error = await rejection(path.join(EXAMPLE_CAMPAIGN, '1.mp4'));
    expect(error.code).toBe('CLIPS_FILE_NOT_FOUND');
  });
});

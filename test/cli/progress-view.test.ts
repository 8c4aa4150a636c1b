import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PostRecord } from '../../src/core/ports/store.js';
import { ProgressView } from '../../src/cli/progress-view.js';

describe('the worker status line', () => {
  it('shows posts due now (not every future post), the next post time, and each upload with bytes, speed and ETA', () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 0);
    const view = new ProgressView(Object.assign(new PassThrough(), { columns: 200 }), () => now);
    try {
      view.status({ dueNow: 2, nextAt: now + 5 * 60_000, counts: { scheduled: 40, uploading: 1, published: 7, failed: 1 } });
      view.activity({ type: 'upload', postId: 'p1', platform: 'tiktok', bytes: 0, total: 40e6 });
      now += 2_000;
      view.activity({ type: 'upload', postId: 'p1', platform: 'tiktok', bytes: 10e6, total: 40e6 });
      const line = view.line();
      expect(line).toMatch(/^due now 2 \| next (\d\d-\d\d )?\d\d:\d\d \(in 4m58s\) \| in flight 1 \[tiktok 10\.0\/40\.0 MB 5\.0 MB\/s ETA 6s\] \| published 7 \| failed 1$/);
      view.activity({ type: 'transition', post: { id: 'p1' } as PostRecord, from: 'uploading', to: 'processing' });
      view.status({ dueNow: 0, nextAt: null, counts: { processing: 1, published: 7 } });
      expect(view.line()).toBe('due now 0 | nothing scheduled | in flight 1 | published 7 | failed 0');
    } finally {
      view.close();
    }
  });
});

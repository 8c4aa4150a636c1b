import type { DragEvent } from 'react';
import { PLATFORM_NAMES, type CalendarPost, type PostState } from './types.js';

/** Short words for a post's state, with the percentage or the reason when there is one. */
export function stateText(p: { state: PostState; reason: string | null }, pct: number | undefined): string {
  switch (p.state) {
    case 'uploading':
      return pct === undefined ? 'uploading' : `uploading ${pct}%`;
    case 'failed':
      return `failed: ${p.reason ?? 'unknown reason'}`;
    case 'deferred':
      return `deferred${p.reason ? `: ${p.reason}` : ''}`;
    case 'needs_reauth':
      return 'needs reauth';
    case 'retry_wait':
      return `retrying${p.reason ? `: ${p.reason}` : ''}`;
    default:
      return p.state;
  }
}

/** The label a post goes by: its YouTube title, else the caption's first line. */
export function postTitle(p: { title: string; clipId: number }): string {
  return p.title || `clip ${p.clipId}`;
}

/** Posts that have not started can move, be cancelled and be edited. */
export function notStarted(p: { state: PostState }): boolean {
  return p.state === 'scheduled' || p.state === 'retry_wait' || p.state === 'deferred';
}

/** One post in the calendar: a button opening the drawer, draggable when the post can move. */
export function PostChip(props: {
  post: CalendarPost;
  time: string;
  handle: string;
  pct: number | undefined;
  onOpen: (id: string) => void;
  compact?: boolean;
}) {
  const { post: p, time, handle, pct } = props;
  const movable = notStarted(p) && p.state !== 'deferred';
  const state = stateText(p, pct);
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData('text/x-clipcast-post', p.id);
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <button
      type="button"
      className={`chip st-${p.state} pf-${p.platform}`}
      draggable={movable}
      onDragStart={movable ? onDragStart : undefined}
      onClick={() => props.onOpen(p.id)}
      data-post={p.id}
      title={`${PLATFORM_NAMES[p.platform]} · ${handle} · ${state}`}
    >
      <span className="pf" aria-hidden="true">
        {p.platform === 'tiktok' ? 'TT' : p.platform === 'instagram' ? 'IG' : 'YT'}
      </span>
      <span className="sr-only">{PLATFORM_NAMES[p.platform]}</span>
      <span className="tm">{time}</span>
      <span className={props.compact ? 'sr-only' : 'ac'}>{handle}</span>
      <span className="tt">{postTitle(p)}</span>
      <span className="sb">{state}</span>
      {p.state === 'uploading' && pct !== undefined && (
        <span className="bar" aria-hidden="true">
          <span style={{ width: `${pct}%` }} />
        </span>
      )}
    </button>
  );
}

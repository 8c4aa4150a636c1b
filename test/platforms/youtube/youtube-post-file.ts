import type { Clock } from '../../../src/core/clock.js';
import type { AdapterAccount, AdapterEvent, MediaInfo, PostContent, RemoteState, UploadCheckpoint } from '../../../src/core/ports/platform-adapter.js';
import type { PostState } from '../../../src/core/post-state.js';
import { MemoryPost } from '../../helpers/memory-context.js';

/** A MemoryPost's durable state as JSON (what the store would hold). */
export interface PostFile {
  account: AdapterAccount;
  media: MediaInfo;
  content: PostContent;
  state: PostState;
  remote: RemoteState;
  upload: UploadCheckpoint | null;
  events: AdapterEvent[];
}

/** The durable part of a MemoryPost. */
export function savePost(post: MemoryPost): PostFile {
  return { account: post.account, media: post.media, content: post.content, state: post.state, remote: post.remote, upload: post.upload, events: post.events };
}

/** A MemoryPost rebuilt from its durable state, as a restarted worker would. */
export function loadPost(file: PostFile, clock: Clock): MemoryPost {
  const post = new MemoryPost(file.account, file.media, file.content, clock);
  post.state = file.state;
  post.remote = file.remote;
  post.upload = file.upload;
  post.events = file.events;
  return post;
}

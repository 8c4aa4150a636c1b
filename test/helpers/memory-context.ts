import type { Clock } from '../../src/core/clock.js';
import type {
  AdapterAccount,
  AdapterEvent,
  Credentials,
  MediaInfo,
  PlatformAdapter,
  PostContent,
  PublishContext,
  RemoteState,
  StepResult,
  UploadCheckpoint,
} from '../../src/core/ports/platform-adapter.js';
import type { PostState } from '../../src/core/post-state.js';

/**
 * An in-memory implementation of the engine's side of `PublishContext`, for adapter tests: it keeps
 * the remote state, upload checkpoint, credentials and events exactly as the store would, so a test
 * can "restart" by building a new context from the saved durable state.
 */
export class MemoryPost {
  state: PostState = 'preparing';
  attempt = 1;
  remote: RemoteState = {};
  upload: UploadCheckpoint | null = null;
  events: AdapterEvent[] = [];
  checkpoints = 0;
  savedCredentials: { credentials: Credentials; expiresAt?: number }[] = [];

  constructor(
    public account: AdapterAccount,
    public media: MediaInfo,
    public content: PostContent,
    public clock: Clock,
    public scheduledAt = clock.now(),
    public postId = 'post_1',
  ) {}

  /** A fresh context over the durable state, as a restarted worker would build it. */
  context(signal: AbortSignal = new AbortController().signal): PublishContext {
    return {
      postId: this.postId,
      state: this.state,
      attempt: this.attempt,
      account: this.account,
      media: this.media,
      content: this.content,
      scheduledAt: this.scheduledAt,
      remote: structuredClone(this.remote),
      upload: this.upload ? { ...this.upload } : null,
      clock: this.clock,
      signal,
      checkpoint: async (patch) => {
        this.checkpoints += 1;
        if (patch.remote) this.remote = { ...this.remote, ...structuredClone(patch.remote) };
        if (patch.upload !== undefined) this.upload = patch.upload ? { ...patch.upload } : null;
        if (patch.event) this.events.push(patch.event);
      },
      saveCredentials: async (credentials, expiresAt) => {
        this.savedCredentials.push({ credentials, expiresAt });
        this.account = { ...this.account, credentials };
      },
    };
  }

  /**
   * Runs steps like the engine would (without retries) until published, advancing the fake clock by
   * each step's delay when `advance` is given. Returns the final result.
   */
  async runToEnd(
    adapter: PlatformAdapter,
    options: { advance?: (ms: number) => void; maxSteps?: number } = {},
  ): Promise<Extract<StepResult, { status: 'published' }>> {
    for (let i = 0; i < (options.maxSteps ?? 500); i++) {
      const result = await adapter.step(this.context());
      if (result.status === 'published') {
        this.state = 'published';
        return result;
      }
      this.state = result.next;
      if (result.delayMs && options.advance) options.advance(result.delayMs);
    }
    throw new Error('adapter did not finish within maxSteps');
  }
}

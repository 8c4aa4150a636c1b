import type { CliperCampaign } from '../clips/cliper-campaign.js';
import type { PlatformId } from '../platform-id.js';
import type { Plan, PlannedPost } from '../plan/plan-campaign.js';
import type { PostContent } from '../ports/platform-adapter.js';
import type { ProbeResult } from '../clips/probe-result.js';
import type { ContentOverrides } from '../rules/caption-mapping.js';
import type { Finding } from '../rules/validate-clip.js';
import type { AccountIssue } from './account-readiness.js';

/** What `clipcast publish` (and `POST /campaigns`) asks for. Text fields are parsed here, with errors naming the flag. */
export interface CampaignRequest {
  /** The CLIPER output folder or its clips_copys.json. */
  source: string;
  /** `tiktok` (main account), `tiktok:@handle` or an account id; bare names work without accounts in a dry run. */
  targets: string[];
  /** `"2025-12-01 09:00"` in `timezone`, an ISO instant, or `now`. */
  startDate: string;
  /** IANA zone; default the system zone. */
  timezone?: string;
  /** `30m`, `4h`, `1d`, `1h30m`, `2w`. */
  interval: string;
  order?: 'file' | 'viral';
  /** `09:00-22:00`. */
  window?: string;
  /** Offset between the platforms of one clip (default: they share the slot). */
  stagger?: string;
  backend?: 'direct' | 'postiz';
  /** Per clip id overrides of caption, title, tags and options. */
  overrides?: Record<number, ContentOverrides>;
  /** Per platform default options (privacy, toggles), merged under per-clip overrides. */
  options?: Partial<Record<PlatformId, Record<string, unknown>>>;
  /** Plan only; resolve bare platform names without accounts; write nothing. */
  dryRun?: boolean;
  /** A new campaign even when the same one exists. */
  forceNew?: boolean;
}

/** A resolved target: an account, or (dry run without accounts) a platform placeholder. */
export interface ResolvedTarget {
  spec: string;
  platform: PlatformId;
  accountId: string;
  handle: string | null;
}

/** One post of a preview: planned time and mapped content. */
export interface PreviewPost extends PlannedPost {
  handle: string | null;
  content: PostContent;
}

/** A clip (on a platform, or all platforms) left out, and why. */
export interface SkippedClip {
  clipId: number | null;
  platform?: PlatformId;
  reason: string;
}

/** Everything a campaign would be, before anything is written. */
export interface CampaignPreview {
  request: CampaignRequest;
  source: CliperCampaign;
  targets: ResolvedTarget[];
  timezone: string;
  start: number;
  probes: Map<number, ProbeResult>;
  findings: Finding[];
  plan: Plan;
  posts: PreviewPost[];
  skipped: SkippedClip[];
  /** What must be settled on the target accounts first (e.g. YouTube made-for-kids); creating refuses while any is left. */
  accountIssues: AccountIssue[];
  fingerprint: string;
}

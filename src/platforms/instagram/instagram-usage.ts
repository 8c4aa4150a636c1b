/** The usage Meta reports in `X-App-Usage` and `X-Business-Use-Case-Usage` (§6.2). */
export interface InstagramUsage {
  /** Highest percentage (0–100) across every figure of both headers; 0 when absent (= low usage). */
  maxPct: number;
  /** Largest `estimated_time_to_regain_access` in minutes. */
  regainMinutes: number;
}

/**
 * Parses the usage headers of a Graph response (lower-cased header names).
 *
 * @example
 * ```ts
 * parseUsage({ 'x-app-usage': '{"call_count":95,"total_time":3,"total_cputime":2}' }); // maxPct 95
 * ```
 */
export function parseUsage(headers: Record<string, string>): InstagramUsage {
  let maxPct = 0;
  let regainMinutes = 0;
  const consider = (entry: unknown) => {
    if (!entry || typeof entry !== 'object') return;
    for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof v !== 'number') continue;
      if (k === 'estimated_time_to_regain_access') regainMinutes = Math.max(regainMinutes, v);
      else if (k === 'call_count' || k === 'total_time' || k === 'total_cputime') maxPct = Math.max(maxPct, v);
    }
  };
  try {
    if (headers['x-app-usage']) consider(JSON.parse(headers['x-app-usage']));
  } catch {
    /* a malformed header means nothing usable */
  }
  try {
    if (headers['x-business-use-case-usage']) {
      const buc = JSON.parse(headers['x-business-use-case-usage']) as Record<string, unknown>;
      for (const list of Object.values(buc)) if (Array.isArray(list)) list.forEach(consider);
    }
  } catch {
    /* idem */
  }
  return { maxPct, regainMinutes };
}

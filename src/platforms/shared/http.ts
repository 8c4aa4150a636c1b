/**
 * Re-export of the shared HTTP helper, which lives in `src/http/` (Postiz and notifications use it
 * too). Kept so platform modules importing `../shared/http.js` keep working; new code imports
 * `src/http/http.js`.
 */
export { describeNetworkError, flattenHeaders, httpRequest, parseJsonLossless, parseRetryAfter } from '../../http/http.js';
export type { HttpOptions, HttpRequest, HttpResponse } from '../../http/http.js';

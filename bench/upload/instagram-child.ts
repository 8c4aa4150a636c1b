/**
 * Bench child: one resumable upload of a file to an Instagram emulator container, with the adapter's
 * own upload code (undici, streamed from disk). Args: uri file size; token in CLIPCAST_BENCH_TOKEN.
 */
import { childReport } from '../lib/measure.js';
import { uploadResumable } from '../../src/platforms/instagram/instagram-upload.js';
import { applyProcessFlags } from '../../src/app/process-flags.js';

// As the CLI does at start (see applyProcessFlags): the child measures the product's process.
applyProcessFlags();

const [uri, path, size] = process.argv.slice(2);
const started = process.hrtime.bigint();
await uploadResumable({ uri: uri!, token: process.env.CLIPCAST_BENCH_TOKEN ?? '', path: path!, fileSize: Number(size), offset: 0 });
childReport({ seconds: Number(process.hrtime.bigint() - started) / 1e9 });

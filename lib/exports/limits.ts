/**
 * Export limits in one place. Client-safe (no imports), so the export menu and the route agree.
 * The figures behind each number are in bench/RESULTS.md.
 */

/** Rows per keyset query: one round trip per 2,000 rows; a 200k-row CSV runs ~5× raw COPY with flat live memory. */
export const EXPORT_BATCH_SIZE = 2_000;

/**
 * Most rows a PDF may hold. react-pdf lays the whole document out in memory and on the event loop
 * (measured: 1,000 rows ≈ 10 s and +270 MB; 2,000 ≈ 18 s and +540 MB; 5,000 ≈ 47 s and +1.3 GB), so
 * larger views get a 413 before any rendering; CSV and Excel stream any size.
 */
export const PDF_ROW_CAP = 1_000;

/** Exports per user per sliding window (in-process: each server process counts on its own). */
export const EXPORT_RATE_LIMIT = { max: 10, windowMs: 10 * 60_000 } as const;

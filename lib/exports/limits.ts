/**
 * Export limits in one place. Client-safe (no imports), so the export menu and the route agree.
 * The figures behind each number are in bench/RESULTS.md.
 */

/** Rows per keyset query for Excel, PDF, JSON Lines and CSV on PGlite: one round trip per 2,000 rows, flat live memory. */
export const EXPORT_BATCH_SIZE = 2_000;

/**
 * The same on the embedded database, where each batch's statement holds the one connection and Node's thread
 * (2,000 rows: up to 0.4 s under load, bench/RESULTS.md); pages' reads go between batches.
 */
export const EMBEDDED_EXPORT_BATCH_SIZE = 500;

/**
 * Rows per keyset batch of a CSV export on a PostgreSQL server (one COPY each, lib/exports/csv-copy.ts).
 * Each statement costs PostgreSQL a plan and Node a round trip (~2–4 ms together): at 2,000 rows that was
 * ~20% of Node's time per row; at 10,000 it is noise, and a batch is ~4.5 MB of CSV (two with the
 * read-ahead; a 1M-row CSV export peaked at +117 MB RSS over idle, bench/RESULTS.md).
 */
export const CSV_COPY_BATCH_SIZE = 10_000;

/**
 * Most rows a PDF may hold. react-pdf lays the whole document out in memory and on the event loop
 * (measured: 1,000 rows ≈ 10 s and +270 MB; 2,000 ≈ 18 s and +540 MB; 5,000 ≈ 47 s and +1.3 GB), so
 * larger views get a 413 before any rendering; CSV and Excel stream any size.
 */
export const PDF_ROW_CAP = 1_000;

import { parentPort } from 'node:worker_threads';
import { renderPdf, type PdfInput } from './pdf-render';

// Worker thread entry (started by ./pdf-thread): renders one PDF and hands its bytes back.
parentPort?.once('message', async (input: PdfInput) => {
  try {
    const bytes = new Uint8Array(await renderPdf(input));
    parentPort!.postMessage({ ok: true, bytes }, [bytes.buffer]);
  } catch (error) {
    parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});

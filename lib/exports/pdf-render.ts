import { createElement, type ReactElement } from 'react';
import { renderToBuffer, type DocumentProps } from '@react-pdf/renderer';
import { ExportPdfDocument, type PdfRow } from './pdf-document';
import { pdfFontFamily } from './pdf-fonts';
import type { ExportHeader } from './writer';

/** Everything one PDF is made of: plain data, so it can cross to a worker thread. */
export type PdfInput = { header: ExportHeader; pages: PdfRow[][]; rowCount: number };

/** Lays out and encodes the document. Synchronous work for seconds at the row cap: call it from a worker (./pdf-worker). */
export async function renderPdf(input: PdfInput): Promise<Uint8Array> {
  const doc = createElement(ExportPdfDocument, { ...input, fontFamily: pdfFontFamily() }) as unknown as ReactElement<DocumentProps>;
  return renderToBuffer(doc);
}

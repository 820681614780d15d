/**
 * The id of the batch covering afterSeq < seq <= throughSeq for one destination: the same on every retry and on
 * every instance (the webhook-id a receiver deduplicates on); a replay bumps `generation`, so replayed entries
 * come under new ids.
 */
export function streamBatchId(destinationId: string, generation: number, afterSeq: number, throughSeq: number): string {
  return `batch_${destinationId.replace(/-/g, '')}_${generation}_${afterSeq + 1}-${throughSeq}`;
}

/**
 * The id of a batch that carries only checkpoints, of tree sizes afterSize < size <= throughSize (the entries they
 * cover went out before): stable across retries like streamBatchId, and never equal to an entries batch's id.
 */
export function checkpointBatchId(destinationId: string, generation: number, afterSize: number, throughSize: number): string {
  return `batch_${destinationId.replace(/-/g, '')}_${generation}_checkpoints_${afterSize + 1}-${throughSize}`;
}

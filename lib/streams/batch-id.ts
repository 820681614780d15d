/**
 * The id of the batch covering afterSeq < seq <= throughSeq for one destination: the same on every retry and on
 * every instance (the webhook-id a receiver deduplicates on); a replay bumps `generation`, so replayed entries
 * come under new ids.
 */
export function streamBatchId(destinationId: string, generation: number, afterSeq: number, throughSeq: number): string {
  return `batch_${destinationId.replace(/-/g, '')}_${generation}_${afterSeq + 1}-${throughSeq}`;
}

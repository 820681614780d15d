/**
 * An expected refusal (conflict, rule violation) with a message safe to show the user. Thrown inside an
 * audited operation it rolls the transaction back and is recorded as a failure with this message.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

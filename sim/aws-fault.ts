/**
 * What a simulated service throws: the AWS wire code, message and HTTP status. The call router
 * turns it into the SDK's own exception class, so callers see exactly what production shows.
 */
export class AwsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AwsFault';
  }
}

/** Shorthand for the most common one, used by Auto Scaling, ELBv2 and CloudWatch. */
export const validationError = (message: string): AwsFault => new AwsFault('ValidationError', message);

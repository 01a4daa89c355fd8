/** Deterministic resource ids and ARNs, drawn from the cloud's seeded RNG. */
import type { Rng } from './rng.js';

export class Ids {
  private counter = 0;
  constructor(
    private readonly rng: Rng,
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** EC2-style id: `i-0abc…` (17 hex digits). */
  ec2(prefix: string): string {
    return `${prefix}-0${this.rng.hex(16)}`;
  }

  hex(len: number): string {
    return this.rng.hex(len);
  }

  uuid(): string {
    const h = this.rng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  requestId(): string {
    this.counter++;
    return `req-${this.counter.toString(16).padStart(8, '0')}`;
  }

  /** `arn:aws:<service>:<region>:<account>:<resource>` */
  arn(service: string, resource: string, options: { region?: string; account?: string } = {}): string {
    return `arn:aws:${service}:${options.region ?? this.region}:${options.account ?? this.accountId}:${resource}`;
  }
}

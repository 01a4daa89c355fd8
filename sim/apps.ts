import type { LatencyModel } from './request-model.js';

/**
 * How a release behaves once installed on an instance: the simulated application. Images carry
 * the release they were baked with (or the `redblack:release` tag of a registered image), and
 * instances launched from them behave as this table says.
 */
export interface AppBehaviour {
  /** Does the app ever answer its health check? */
  healthy: boolean;
  /** Seconds from RunInstances to `running`. */
  bootSeconds: number;
  /** Seconds from `running` until the app answers health checks. */
  appStartSeconds: number;
  /** Seconds the bake's install command takes on a builder before it powers off. */
  installSeconds: number;
  /** The install command exits non-zero: the builder shuts down without a usable image. */
  installFails: boolean;
  /**
   * Share of real requests the app answers with a 5XX while its health check still passes: the
   * bad release a canary exists to catch.
   */
  errorRate: number;
  /** How long answered requests take (log-normal by median and p99, per-minute jitter). */
  latency: LatencyModel;
}

export const DEFAULT_APP: AppBehaviour = {
  healthy: true,
  bootSeconds: 30,
  appStartSeconds: 15,
  installSeconds: 120,
  installFails: false,
  errorRate: 0,
  latency: { medianSeconds: 0.05, p99Seconds: 0.15, jitter: 0 },
};

export class AppBehaviours {
  defaults: AppBehaviour = { ...DEFAULT_APP };
  private readonly byRelease = new Map<string, Partial<AppBehaviour>>();

  /** Change how one release behaves (e.g. `{ healthy: false }` for an unhealthy release). */
  set(release: string, behaviour: Partial<AppBehaviour>): void {
    this.byRelease.set(release, { ...this.byRelease.get(release), ...behaviour });
  }

  get(release: string | undefined): AppBehaviour {
    return { ...this.defaults, ...(release === undefined ? {} : this.byRelease.get(release)) };
  }
}

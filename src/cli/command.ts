/** What every command gets: the streams, the global options, the stack's resources (looked up once, lazily). */
import type { GlobalOptions, Io, Resources } from './context.js';

export interface Ctx {
  io: Io;
  options: GlobalOptions;
  resources: () => Promise<Resources>;
  /** Waits on the clock the deployment runs on (simulated time on the embedded cloud). */
  sleep: (ms: number) => Promise<void>;
}

/** A command's answer: the `--json` document (also the source of the text form) and its exit code. */
export interface Outcome {
  json: Record<string, unknown>;
  text?: string;
  exitCode?: number;
}

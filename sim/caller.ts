/** Which in-process Lambda function is making an AWS call (for the call log and IAM checks). */
import { AsyncLocalStorage } from 'node:async_hooks';

const store = new AsyncLocalStorage<string>();

export const runAsCaller = <T>(functionKey: string, fn: () => T): T => store.run(functionKey, fn);
export const currentCaller = (): string | undefined => store.getStore();

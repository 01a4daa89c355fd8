/** Clients answered in process, as the embedded cloud answers them, for the signed-call tests. */
import { configureClients } from '../../src/aws/clients.js';

/**
 * Points the clients at an in-process answer and returns the log it keeps: `tap <client> <command>`
 * at the tap, `answer <command> <input>` at the answer. The first call fails with `first` (a
 * throttle, so the retry is seen around both); the others get `answer(command, input)` as output.
 */
export function answerInProcess(answer: (commandName: string, input: any) => unknown, first: { name: string; fault: 'client' | 'server'; status: number }): string[] {
  const calls: string[] = [];
  let n = 0;
  configureClients({
    region: 'us-east-1',
    maxAttempts: 3,
    tap: (next, context) => async (args) => {
      calls.push(`tap ${context.clientName} ${context.commandName}`);
      return next(args);
    },
    middleware: (_next, context) => async (args) => {
      calls.push(`answer ${context.commandName} ${JSON.stringify(args.input)}`);
      n += 1;
      if (n === 1) throw Object.assign(new Error('slow down'), { name: first.name, $fault: first.fault, $metadata: { httpStatusCode: first.status } });
      return { response: {}, output: answer(context.commandName, args.input) };
    },
  });
  return calls;
}

/** A real moto_server for one test file: started on a free port, stopped after. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Starts moto_server and waits until it answers; `stop()` kills it. */
export async function startMoto(): Promise<{ endpoint: string; stop: () => void }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto: ChildProcess = spawn('moto_server', ['-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, stop: () => moto.kill() };
}

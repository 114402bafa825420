// A worker speaking the crypto pool's protocol with tasks that misbehave on request, for
// crypto-pool.spec.ts: echo, sleep (ms), exit (the thread ends), throw (an uncaught error), fail (a DomainError).
import { parentPort, threadId } from 'node:worker_threads';

parentPort.on('message', ({ id, task, input }) => {
  const reply = (output) => parentPort.postMessage({ id, ok: true, output });
  switch (task) {
    case 'echo':
      return reply({ input, threadId });
    case 'sleep':
      return setTimeout(() => reply({ threadId }), input);
    case 'exit':
      return process.exit(3);
    case 'throw':
      return setTimeout(() => {
        throw new Error('uncaught in the worker');
      }, 1);
    case 'fail':
      return parentPort.postMessage({ id, ok: false, error: { domain: true, code: 'DECRYPTION_FAILED', message: 'The message was modified', details: { reason: 'TAMPERED' } } });
    default:
      return parentPort.postMessage({ id, ok: false, error: { domain: false, name: 'Error', message: `unknown task ${task}` } });
  }
});

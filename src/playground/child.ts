/**
 * The playground's child process (dist/playground.js): computes optimizer paths with tfjs on the cpu backend,
 * away from the extension host's thread. Long-lived: tfjs loads once, then every request (a slider moved) is one
 * IPC message in and one out, both validated.
 */
import * as tf from '@tensorflow/tfjs';
import { parsePlaygroundJob, type PlaygroundReply } from '../protocol/playground';
import { computePlayground } from './compute';
import type { Tf } from '../tf/types';

if (!process.send) {
  console.error('training-lens playground: started without an IPC channel (the extension forks it)');
  process.exit(2);
}

const send = (reply: PlaygroundReply): void => {
  process.send!(reply);
};

// Plain JavaScript on purpose: scalar ops are dispatch-bound, where cpu is as fast as wasm and needs no binaries.
const ready = tf.setBackend('cpu').then(() => tf.ready());

process.on('message', async (raw: unknown) => {
  const job = parsePlaygroundJob(raw);
  const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
  if (!job.ok) return send({ type: 'failed', id, message: `invalid request: ${job.reason}` });
  try {
    await ready;
    send({ type: 'result', id, result: computePlayground(tf as unknown as Tf, job.value.request) });
  } catch (e) {
    send({ type: 'failed', id, message: e instanceof Error ? e.message : String(e) });
  }
});
// The host going away closes the channel: nothing to keep alive for.
process.on('disconnect', () => process.exit(0));

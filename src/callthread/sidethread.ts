// A side thread: the worker_threads thread on which one side of a lesson or of `netsys shell` (the
// server, the client) makes its system calls, synchronously, through ffi-rs loaded here. The main
// thread keeps everything else (the recorder, the kernel view, the lanes, the keys) and hands over
// only the call: its C values in, its raw result, errno, times and filled-in buffers out (sides.ts,
// protocol.ts CallRequest/CallReply). Timed here, immediately around the libc call (ffi.ts
// lastCallTimes); while the kernel holds it, only this thread sleeps, in that very system call, which
// is what the main thread reads in /proc to call it blocked. Built as its own bundle, dist/sidethread.js.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import * as libc from '../libc/native/ffi';
import { invoke, Invocation } from '../calls/invoke';
import type { SyscallName } from '../calls/registry';
import { CallReply, CallRequest, FromSideThread, SIDE_WORDS, SideThreadData, ToSideThread } from './protocol';

const data = workerData as SideThreadData;
const control = new Int32Array(data.control);
const port = data.port;
libc.useCallThread();

/** A Buffer over a received Uint8Array's bytes (structured clone gives Uint8Array), for ffi-rs's U8Array. */
function asBuffers(values: readonly unknown[]): unknown[] {
  return values.map((value) => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value));
}

function make(request: CallRequest): FromSideThread {
  try {
    const values = asBuffers(request.values);
    // On this thread (useCallThread) every call is made here, synchronously, and timed around ffi-rs's call.
    const { raw, started, ended } = invoke(request.name as SyscallName, values) as Invocation;
    return { type: 'returned', value: raw.value, errno: raw.errno, started, ended, values } satisfies CallReply;
  } catch (error) {
    return { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

Atomics.store(control, SIDE_WORDS.TID, libc.gettid());
Atomics.notify(control, SIDE_WORDS.TID);
// No event loop work is ever needed here: the thread waits in Atomics.wait between calls (a futex,
// never a socket call, so /proc never shows it in one), and in the call itself.
parentPort?.unref();
let served = 0;
for (;;) {
  Atomics.wait(control, SIDE_WORDS.REQUESTS, served);
  const received = receiveMessageOnPort(port);
  if (!received) continue;
  served++;
  const request = received.message as ToSideThread;
  if (request.type === 'exit') libc.exitNow(request.code);
  port.postMessage(make(request));
  Atomics.store(control, SIDE_WORDS.REPLIES, served);
  Atomics.notify(control, SIDE_WORDS.REPLIES);
}

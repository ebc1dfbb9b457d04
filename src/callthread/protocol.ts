// The messages between the main thread and a program's call threads: structured data only (the
// structured clone of postMessage), never trace text. Calls themselves do not cross: each call thread
// makes its own and writes its own lines; these messages start, end and link the threads.
import type { MessagePort } from 'node:worker_threads';
import type { CountedCalls } from '../render/count';
import type { OutputOptions } from '../render/output';
import type { ClientOptions } from '../programs/client';
import type { ServerOptions } from '../programs/server';
import type { UdpClientOptions } from '../programs/udp-client';

/** Which slot of the shared state each call thread uses (slot.ts). */
export const PRIMARY_SLOT = 0;
/** The TCP client's second call thread, which reads standard input and sends it (client.ts). */
export const SENDER_SLOT = 1;
export const SLOT_COUNT = 2;

/** Given to a call thread as it starts (worker_threads' workerData). */
export interface ThreadData {
  /** The SharedState's buffer (slot.ts). */
  readonly buffer: SharedArrayBuffer;
  readonly slot: number;
}

/** What a program's call thread is to run. */
export type Program =
  /** `preface`: notes written before the first call (a server open to the network says so). */
  | { readonly program: 'server'; readonly kind: 'tcp' | 'poll' | 'udp'; readonly options: ServerOptions; readonly preface: readonly string[] }
  | { readonly program: 'client'; readonly options: ClientOptions; readonly withSender: boolean }
  | { readonly program: 'udp-client'; readonly options: UdpClientOptions }
  /** Standard input to the socket the primary thread connected (SocketForSender), then shutdown(SHUT_WR). */
  | { readonly program: 'sender' };

/** How each thread traces: the same options everywhere, `fd` open for all of them (OutputOptions.fd). */
export type TraceSettings = OutputOptions & { readonly fd: number };

// ---- main thread → call thread ----

export interface Job {
  readonly type: 'job';
  readonly program: Program;
  readonly trace: TraceSettings;
  /** -y and --state: each thread reads the kernel after each of its calls (KernelView). */
  readonly kernel: { readonly endpoints: boolean; readonly state: boolean } | null;
}

/** To the sender: the connected socket to send standard input on. */
export interface SocketForSender {
  readonly type: 'socket';
  readonly fd: number;
}

/** The program is leaving: close every descriptor this thread opened (each close traced), then end. */
export interface Release {
  readonly type: 'release';
}

/**
 * Everything is written: end the process now with `code` (_exit(2), from this thread, which has ffi-rs
 * loaded): no thread is joined, none torn down, and one still held in the kernel is no obstacle.
 */
export interface ExitProcess {
  readonly type: 'exit';
  readonly code: number;
}

export type ToCallThread = Job | SocketForSender | Release | ExitProcess;

// ---- call thread → main thread ----

/**
 * The program's body has ended: 0 when it completed, 1 when a call failed and it could not go on,
 * 2 for a usage error found late (an unknown host), 70 for a bug. `message` is netsys's last line.
 */
export interface Ending {
  readonly type: 'ending';
  readonly code: number;
  readonly message?: string;
}

/** From the client's primary thread: connected on `fd`; the sender may start. */
export interface Connected {
  readonly type: 'connected';
  readonly fd: number;
}

/** With -c: what this thread has counted so far (the main thread prints one table for all). */
export interface Counts {
  readonly type: 'counts';
  readonly counts: CountedCalls;
}

/** Every descriptor this thread opened is closed and every line written; the thread ends next. */
export interface Released {
  readonly type: 'released';
}

export type FromCallThread = Ending | Connected | Counts | Released;

// ---- a lesson's or the shell's side thread (sidethread.ts) ↔ the main thread ----
// The main thread keeps the recorder; only the libc call crosses. Each request is one message on the
// thread's MessagePort and one tick of REQUESTS; each reply one message back and one tick of REPLIES
// (SideControl), so that either end can wait with Atomics and take the message with receiveMessageOnPort.

/** Int32 words of a side thread's control buffer. */
export const SIDE_WORDS = { REQUESTS: 0, REPLIES: 1, TID: 2 } as const;
export const SIDE_CONTROL_BYTES = 3 * 4;

/** Given to a side thread as it starts (workerData); `port` is transferred. */
export interface SideThreadData {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
}

/** main → side thread: make system call `name` with its C values (planCall's cValues, Buffers as Uint8Arrays). */
export interface CallRequest {
  readonly type: 'call';
  readonly name: string;
  readonly values: readonly unknown[];
}

/**
 * side thread → main: what the call returned, its start and end (ms since the epoch, taken on the
 * side thread right around the libc call), and its C values after the call, so that what the kernel
 * wrote into a buffer (recv's data, an address, a length, poll's revents) reaches the main thread's copy.
 */
export interface CallReply {
  readonly type: 'returned';
  readonly value: number;
  readonly errno: number;
  readonly started: number;
  readonly ended: number;
  readonly values: readonly unknown[];
}

/** side thread → main: ffi-rs itself failed (not the call: that is a -1 and errno in CallReply). */
export interface CallFailure {
  readonly type: 'failed';
  readonly message: string;
}

export type FromSideThread = CallReply | CallFailure;

/** main → side thread: a call to make, or (before sides.ts has taken the threads over) the process's exit. */
export type ToSideThread = CallRequest | ExitProcess;

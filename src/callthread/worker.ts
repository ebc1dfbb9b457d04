// A call thread: the worker_threads thread on which one program (netsys server, netsys client, or the
// client's sender) makes its calls, synchronously, through ffi-rs loaded here, one after the other as
// the C program the learner will write makes them. Each call is timed here, immediately around the
// libc call, and its trace line written from here (TraceOutput on the shared descriptor), in order.
// The main thread supervises (supervisor.ts): signals, the "blocked" notes it reads from the kernel,
// and the way out. Built as its own bundle, dist/callthread.js, and started before the command line
// is parsed, so that loading ffi-rs and the programs here overlaps loading the command line there.
import { parentPort, workerData } from 'node:worker_threads';
import * as libc from '../libc/native/ffi';
import { nodeErrorText } from '../libc/native/errno';
import { KernelView } from '../calls/kernelview';
import { giveUpFullWritesWhen, TraceOutput } from '../render/output';
import { CallSeam, Recorder } from '../calls/recorder';
import { Interrupted } from '../calls/interrupted';
import type { Arg } from '../calls/event';
import { HostNotFound, runClient, sendInput, SendingThread } from '../programs/client';
import { runPollServer } from '../programs/poll-server';
import { ProgramFailed } from '../programs/run';
import { runServer } from '../programs/server';
import { beforeEachRead, standardInput } from '../programs/stdin';
import { runUdpClient } from '../programs/udp-client';
import { runUdpServer } from '../programs/udp-server';
import { wokenToLeave } from '../programs/leaving';
import { SharedState } from './slot';
import { FromCallThread, Job, SLOT_COUNT, ThreadData, ToCallThread } from './protocol';
import { descriptorEffect } from '../calls/registry';
import { internalErrorLine, resourceProblem } from '../bug';

/** How long a woken call waits for the main thread to write its wake-up calls, at most (ms). */
const WOKEN_WAIT_MS = 2000;

/** How long the receiving thread sleeps between looks at whether the program is leaving, while it waits for the sender (ms). */
const SENDER_WAIT_SLICE_MS = 50;
/** How long a thread that closes its sockets waits for the other thread's call on one of them to return (ms). */
const FREE_WAIT_MS = 1000;

const port = parentPort!;
const data = workerData as ThreadData;
libc.useCallThread();
const state = new SharedState(data.buffer, SLOT_COUNT);
giveUpFullWritesWhen(() => state.stopping);
const slot = state.slots[data.slot];
slot.tid = libc.gettid();

function post(message: FromCallThread): void {
  port.postMessage(message);
}

/** The seam through which this thread's Recorder publishes each call that may wait (slot.ts). */
function seamFor(output: TraceOutput): CallSeam {
  return {
    get stopping() {
      return state.stopping;
    },
    nextSeq: () => state.nextSeq(),
    enter(name: string, fds: readonly number[], planned: readonly Arg[], startedAt: number): number {
      output.writeQueued();
      const ticket = slot.enter(name, fds, planned, startedAt);
      // Checked after the call is published (Dekker): the main thread sets the flag, then reads the slot.
      if (state.stopping) {
        slot.leave(ticket);
        throw new Interrupted();
      }
      return ticket;
    },
    leave(ticket: number) {
      const blocked = slot.leave(ticket);
      const leaving = state.stopping;
      if (leaving) {
        state.waitUntilWoken(WOKEN_WAIT_MS);
        wokenToLeave();
      }
      return { blocked, wokenToLeave: leaving };
    },
  };
}

/** The client's sender, seen from its primary (receiving) thread: started by a message, finished by a flag. */
function senderThread(output: TraceOutput): SendingThread {
  return {
    start: (fd) => post({ type: 'connected', fd }),
    get finished() {
      return state.senderFinished;
    },
    // This thread waits outside any call, in slices, so that the program's leaving is seen at once.
    waitUntilFinished: async () => {
      output.flush(); // the lines so far go out before a wait that may be long (standard input left open)
      while (!state.senderFinished) {
        if (state.stopping) throw new Interrupted();
        state.waitForSender(SENDER_WAIT_SLICE_MS);
      }
    },
  };
}

/** Runs the sender: standard input to `fd`, then shutdown(SHUT_WR); the receiving thread closes the socket after. */
async function send(calls: Recorder, output: TraceOutput, fd: number, counting: boolean): Promise<void> {
  if (counting) {
    // With -c: this thread's counts go to the main thread before each read, which may wait for ever.
    beforeEachRead(() => {
      output.flush();
      const counted = output.counts();
      if (counted) post({ type: 'counts', counts: counted });
    });
  }
  await sendInput(calls, output, fd, standardInput());
  output.flush();
  state.markSenderFinished();
}

async function runJob(job: Job): Promise<void> {
  const output = new TraceOutput({ ...job.trace, errorText: nodeErrorText });
  const view = job.kernel ? new KernelView(job.kernel) : undefined;
  beforeEachRead(() => output.flush());
  const calls: Recorder = new Recorder(
    (event) => {
      output.call(event);
      // The main thread closes these itself if this thread is stuck on the way out (supervisor.ts).
      if (descriptorEffect(event.name) !== undefined && !event.error) slot.setOpen(calls.openDescriptors);
    },
    job.trace.stringLimit,
    undefined,
    view,
    seamFor(output),
  );

  let releasing = false;
  const release = async (): Promise<void> => {
    if (releasing) return;
    releasing = true;
    if (!slot.closeOwn()) return; // stuck too long: the main thread has closed them
    // The other call thread may still be in a call on one of these sockets (the sender's send, woken
    // by the main thread's shutdown): close only once it has returned, as a careful C program would.
    for (const fd of calls.openDescriptors) for (const other of state.slots) if (other !== slot) other.waitUntilFree(fd, FREE_WAIT_MS);
    await calls.releaseAll();
    output.flush();
    const counted = output.counts();
    if (counted) post({ type: 'counts', counts: counted });
    post({ type: 'released' });
  };
  let socket: (fd: number) => void = () => undefined;
  const socketGiven = new Promise<number>((resolve) => (socket = resolve));
  port.on('message', (message: ToCallThread) => {
    if (message.type === 'release') void release();
    else if (message.type === 'socket') socket(message.fd);
  });

  const end = (code: number, message?: string): void => {
    output.flush();
    post({ type: 'ending', code, ...(message === undefined ? {} : { message }) });
  };
  output.onWriteError((message) => end(1, message));
  process.on('uncaughtException', (error) => end(70, internalErrorLine(error)));
  try {
    const program = job.program;
    switch (program.program) {
      case 'server': {
        for (const note of program.preface) output.aside(note);
        const options = program.options;
        if (program.kind === 'udp') await runUdpServer(calls, output, { ...options, v6only: Boolean(options.v6only) });
        else await (program.kind === 'poll' ? runPollServer : runServer)(calls, output, options);
        break;
      }
      case 'client':
        await runClient(calls, output, program.options, program.withSender ? senderThread(output) : undefined);
        break;
      case 'udp-client':
        await runUdpClient(calls, output, program.options);
        break;
      case 'sender':
        await send(calls, output, await socketGiven, Boolean(job.trace.summary));
        break;
    }
    end(0);
  } catch (error) {
    if (error instanceof Interrupted) end(0);
    else if (error instanceof HostNotFound) end(2, error.message);
    else if (error instanceof ProgramFailed) end(error.exitCode, error.message);
    else {
      const resource = resourceProblem(error);
      end(resource ? 1 : 70, resource ?? internalErrorLine(error));
    }
  }
  // The body has ended by itself: nothing of this thread is in the kernel, so it closes what is left
  // now, without waiting to be asked (one message less on the way out). When the program is leaving,
  // the main thread asks, once it has woken the other threads' calls.
  if (!state.stopping) await release();
}

// The first job starts the program; an exit, at any time (even before a job: a usage error), ends
// the process from here (protocol.ts ExitProcess, prestart.ts exitThroughThread).
let started = false;
port.on('message', (message: ToCallThread) => {
  if (message.type === 'exit') libc.exitNow(message.code);
  if (message.type === 'job' && !started) {
    started = true;
    void runJob(message);
  }
});

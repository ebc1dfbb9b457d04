// The client's standard output: the bytes that come back, written on the client's call thread with
// write(2) made synchronously, waiting while the reader is slow. When whoever reads it goes away
// (`netsys client ... | head -c 10`), writing fails with EPIPE. nc would be killed by SIGPIPE at that
// point; netsys (Node.js ignores SIGPIPE) ends the conversation instead: its socket is closed, exit 1.
import { nodeErrorText } from '../libc/errno';
import { writeAllSync } from '../trace/output';
import { ProgramFailed } from './run';

let failure: string | null = null;

/** The trace, whose lines so far can be written at once (TraceOutput). */
export interface QueuedLines {
  writeQueued(): void;
}

/**
 * Writes what came back to descriptor 1, all of it, waiting while the reader is slow; throws
 * ProgramFailed once standard output is gone. The trace lines queued so far are written first, so
 * that where both reach one terminal (or one pipe, `2>&1`) the line of the call that read the data
 * comes before the data.
 */
export async function writeOut(data: Buffer, trace: QueuedLines): Promise<void> {
  if (failure) throw new ProgramFailed(failure);
  trace.writeQueued();
  try {
    writeAllSync(1, data);
  } catch (error) {
    failure = `cannot write to standard output: ${nodeErrorText(error)}; whoever read it has gone`;
    throw new ProgramFailed(failure);
  }
}

// The client's standard output: the bytes that come back. When whoever reads it goes away
// (`netsys client ... | head -c 10`), writing fails with EPIPE. nc would be killed by SIGPIPE at that
// point; netsys (Node.js ignores SIGPIPE) ends the conversation instead: its socket is closed, exit 1.
import { once } from 'node:events';
import { nodeErrorText } from '../libc/errno';
import { ProgramFailed } from './run';

let failure: string | null = null;
let watching = false;

function watch(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error) => {
    failure ??= `cannot write to standard output: ${nodeErrorText(error)}; whoever read it has gone`;
  });
}

/** Writes what came back, waiting while the reader is slow; throws ProgramFailed once standard output is gone. */
export async function writeOut(data: Buffer): Promise<void> {
  watch();
  if (failure) throw new ProgramFailed(failure);
  if (process.stdout.write(data)) return;
  try {
    await once(process.stdout, 'drain');
  } catch {
    // the 'error' listener above has recorded why
  }
  if (failure) throw new ProgramFailed(failure);
}

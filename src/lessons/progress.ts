// Which lessons this learner has finished: $XDG_STATE_HOME/netsys/progress.json
// (default ~/.local/state/netsys/). A missing or unreadable file means nothing finished yet,
// and a file that cannot be written costs only the record: neither stops a lesson.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorCode, FileRefused, kindOf, readRegularFile } from '../files';

/** progress.json holds one date per lesson: a few KiB at most. */
const PROGRESS_SIZE_LIMIT = 1 << 20;

interface ProgressFile {
  /** Lesson id → when it was last finished (ISO 8601). */
  finished: Record<string, string>;
  /** Lesson id → when the learner last met every your-turn step of it without being shown the solution. */
  solved?: Record<string, string>;
}

export function progressPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(os.homedir(), '.local', 'state');
  return path.join(base, 'netsys', 'progress.json');
}

/** The entries of `record` that are dates (strings); none when it is not an object of them. Own keys only ("__proto__" too). */
function dates(record: unknown): Record<string, string> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return {};
  return Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * What the file says is finished and solved. What cannot be read is left out, and only that: a bad
 * "solved" (or one bad entry) does not cost the lessons recorded beside it at the next save.
 */
export function readProgress(file = progressPath()): ProgressFile {
  try {
    const parsed: unknown = JSON.parse(readRegularFile(file, file, PROGRESS_SIZE_LIMIT));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const { finished, solved } = parsed as { finished?: unknown; solved?: unknown };
      const progress: ProgressFile = { finished: dates(finished) };
      const solvedDates = dates(solved);
      if (Object.keys(solvedDates).length > 0) progress.solved = solvedDates;
      return progress;
    }
  } catch {
    // missing, not a regular file, or not JSON: nothing finished yet
  }
  return { finished: {} };
}

/**
 * Makes `dir` and its missing parents, one by one: Node's recursive mkdir loops for ever on a parent
 * such as /proc, where mkdir fails with ENOENT on a folder that exists. Throws the first error.
 */
function makeFolders(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !fs.existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) fs.mkdirSync(folder);
}

/** Records a finished lesson (and, with `solved`, one whose your-turn steps the learner met); returns why it could not, or null. */
export function markFinished(id: string, file = progressPath(), when = new Date(), solved = false): string | null {
  const progress = readProgress(file);
  progress.finished[id] = when.toISOString();
  if (solved) progress.solved = { ...progress.solved, [id]: when.toISOString() };
  try {
    const existing = fs.statSync(file, { throwIfNoEntry: false });
    if (existing && !existing.isFile()) throw new FileRefused(`${file} is ${kindOf(existing)}, not a regular file`);
    makeFolders(path.dirname(file));
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(progress, null, 2) + '\n');
    fs.renameSync(temporary, file);
    return null;
  } catch (error) {
    return error instanceof FileRefused ? error.message : `${file}: ${errorCode(error)}`;
  }
}

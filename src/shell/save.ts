// `save FILE`: the calls a shell session made, as a lesson file that `netsys lesson --lessons-dir DIR ID`
// runs as it is (format: lessons/README.md). A teacher writes a lesson by doing it once, then fills in
// the `before:` placeholders with the words.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LESSON_SUFFIX } from '../lessons/catalog';
import { nodeErrorText } from '../libc/native/errno';
import type { SessionCall } from './session';

/** The file could not be named or written: one line saying why. */
export class SaveError extends Error {}

/** `lessons/my-session` → `lessons/my-session.lesson`; the lesson's id is the name without `.lesson`. */
export function lessonFile(file: string): { file: string; id: string } {
  const withSuffix = file.endsWith(LESSON_SUFFIX) ? file : file + LESSON_SUFFIX;
  const id = path.basename(withSuffix, LESSON_SUFFIX);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
    throw new SaveError(`save: a lesson's file is named by its id, lower-case words joined by "-" (such as my-session.lesson), not "${path.basename(withSuffix)}"`);
  }
  return { file: withSuffix, id };
}

/** The lesson text: a header, then one step per call, `expect: ERRNO` on each that failed. */
export function lessonText(id: string, calls: readonly SessionCall[], when = new Date()): string {
  const lines = [
    `# Saved by netsys shell on ${when.toISOString()}: one step per call, in the order they were typed.`,
    '# Write why each call is made after its "before:"; "after:" and "more:" may follow (lessons/README.md).',
    `id: ${id}`,
    `title: ${id}`,
    'summary: A netsys shell session, saved as a lesson.',
    'order: 1000',
  ];
  for (const call of calls) {
    lines.push('');
    if (!call.returned) lines.push('# Still in the kernel when the session was saved: a later step must complete it, or the lesson ends waiting.');
    lines.push(`step ${call.side}: ${call.source}`);
    if (call.error) lines.push(`expect: ${call.error}`);
    lines.push('before:');
  }
  return lines.join('\n') + '\n';
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes the lesson; returns the file written and its id. Throws SaveError when it cannot. A file
 * that exists is written over only when `ours` says this session wrote it (a teacher's words in
 * another lesson are never lost to a save); a directory is not a file's name.
 */
export function saveLesson(file: string, calls: readonly SessionCall[], ours: (file: string) => boolean = () => false): { file: string; id: string } {
  if (file.endsWith('/') || isDirectory(file)) {
    throw new SaveError(`save: ${file} is a directory; name the file in it, such as ${path.join(file, 'my-session.lesson')}`);
  }
  const target = lessonFile(file);
  if (calls.length === 0) throw new SaveError('save: no call has been made yet, so there is nothing to save');
  const over = ours(path.resolve(target.file));
  try {
    fs.writeFileSync(target.file, lessonText(target.id, calls), { flag: over ? 'w' : 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    if (exists) throw new SaveError(`save: ${target.file} already exists and this session did not write it; choose another name, or remove it first`);
    throw new SaveError(`save: cannot write ${target.file}: ${nodeErrorText(error)}`);
  }
  return target;
}

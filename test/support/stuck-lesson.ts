// A lesson whose last step is an accept nothing in the lesson completes: one side, so its lines have no lane label.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes it as `dir`/stuck.lesson (id `stuck`). */
export function writeStuckLesson(dir: string): void {
  fs.writeFileSync(
    path.join(dir, 'stuck.lesson'),
    [
      'id: stuck\ntitle: S\nsummary: S\norder: 1',
      'step server: l = socket(AF_INET, SOCK_STREAM)',
      'step server: bind(l, 127.0.0.1:0)',
      'step server: listen(l, 1)',
      'step server: conn = accept(l)',
    ].join('\n'),
  );
}

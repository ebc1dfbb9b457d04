// No test touches the user's home: every process a test file starts (netsys, python, strace, socat)
// inherits a scratch HOME and XDG_STATE_HOME, so lesson progress goes there unless a test sets its own.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'netsys-home-'));
process.env.HOME = scratch;
process.env.XDG_STATE_HOME = path.join(scratch, 'state');

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

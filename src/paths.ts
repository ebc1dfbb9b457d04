// Where netsys's own files are, found the same way from the compiled bundle (dist/netsys.js) and
// from the sources under test (src/): both sit one folder below the package root.
import * as path from 'node:path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..');

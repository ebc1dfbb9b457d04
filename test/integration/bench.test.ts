// The benchmark script runs end to end at a toy size, so that it cannot rot unnoticed.
// Timings are printed, never asserted: only that every figure was measured.
import * as path from 'node:path';
import { finish, Running } from './helpers';

it('npm run bench measures every figure (tiny sizes)', async () => {
  const bench = new Running(process.execPath, [path.resolve(__dirname, '../../dist-bench/bench/bench.js'), '--tiny']);
  expect((await finish(bench, 60000)).code).toBe(0);
  const out = bench.stdout.toString();
  for (const figure of ['start-up (client, refused)', '50 round trips, traced to a file', 'the same, Python relaying like netsys', 'time per round trip over the floor', 'one call via ffi-rs, main thread', 'one call via ffi-rs, thread pool', 'bulk 1 MiB echoed', 'peak memory of the server (bulk)']) {
    const row = out.split('\n').find((line) => line.startsWith(`| ${figure}`));
    expect(row).toMatch(/^\|[^|]+\| \d+(\.\d+)? \S+ +\| \d+(\.\d+)? /);
  }
  expect(bench.stderr).toBe('');
}, 90000);

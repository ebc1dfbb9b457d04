// Stands in for node:child_process in dist/netsys.js (esbuild --alias, package.json "build").
// commander requires node:child_process as it loads, for subcommands that are separate executables,
// which netsys has none of; loading the module cost 7–10 ms of every start-up (README, Performance).
// Here it is loaded on first use: by `netsys demo`, the one command that starts processes.
import type * as ChildProcess from 'node:child_process';

type Spawn = (...args: unknown[]) => ChildProcess.ChildProcess;

export const spawn = ((...args: unknown[]): ChildProcess.ChildProcess =>
  ((require('child_process') as typeof ChildProcess).spawn as Spawn)(...args)) as typeof ChildProcess.spawn;

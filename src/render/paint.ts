// Colour, through chalk, loaded only when colour is on: most runs (a pipe, a file, NO_COLOR) never
// pay for it at start-up. One place decides whether to colour, for every renderer.
import type { Writable } from 'node:stream';

/** The styles netsys uses; without colour each returns its text unchanged. */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain = (text: string): string => text;
export const PLAIN: Paint = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };

/** Colour only when asked for, NO_COLOR is unset or empty, TERM is not `dumb`, and the stream is a terminal. */
export function wantsColor(requested: boolean, stream: Writable & { isTTY?: boolean }): boolean {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return requested && !noColor && process.env.TERM !== 'dumb' && Boolean(stream.isTTY);
}

export function paintFor(color: boolean): Paint {
  if (!color) return PLAIN;
  const chalk = require('chalk') as typeof import('chalk');
  return new chalk.Instance({ level: chalk.supportsColor ? chalk.supportsColor.level : 1 });
}

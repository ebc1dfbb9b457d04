// Its own module so that a program's way out (programs/run.ts), which the command line loads at
// start-up, can know it without loading the recorder and, through it, the native binding.

/** Thrown out of a traced call that completes after the program was interrupted. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

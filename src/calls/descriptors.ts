// Which descriptors a program has open and which of its calls the kernel is holding, so that an
// interrupted program can wake those calls and close everything it opened.

export class Descriptors {
  private readonly opened = new Set<number>();
  private readonly held = new Map<Promise<unknown>, readonly number[]>();

  /** The descriptors open now, in the order they were opened. */
  get open(): readonly number[] {
    return [...this.opened];
  }

  add(fd: number): void {
    this.opened.add(fd);
  }

  /** After close(2) the descriptor is gone even when it reports an error (close(2), NOTES). */
  remove(fd: number): void {
    this.opened.delete(fd);
  }

  /**
   * A program must not close a descriptor another of its calls is still waiting on: Linux would let
   * that call go on, and the number could be reused under it. That is a bug in netsys, so this throws
   * rather than let a close be traced that a careful C program would not make.
   */
  refuseIfHeld(fd: number): void {
    if ([...this.held.values()].some((fds) => fds.includes(fd))) {
      throw new Error(`close(${fd}) while another call on it is still in the kernel`);
    }
  }

  /** The calls the kernel is still holding on `fd`; each settles when its call returns. */
  heldOn(fd: number): Promise<unknown>[] {
    return [...this.held].filter(([, fds]) => fds.includes(fd)).map(([call]) => call);
  }

  /** Remembers that `call` waits in the kernel on `fds` until it settles. */
  hold<T>(call: Promise<T>, fds: readonly number[]): Promise<T> {
    this.held.set(call, fds);
    const forget = () => this.held.delete(call);
    call.then(forget, forget);
    return call;
  }

  /**
   * Ends the program's use of the kernel: calls the kernel is holding are woken with `wake` (on Linux
   * shutdown(SHUT_RDWR) wakes them, close would not), and once they have returned, every descriptor
   * still open is given to `close`, the last opened first.
   */
  async releaseAll(wake: (fd: number) => void, close: (fd: number) => void): Promise<void> {
    for (const fd of new Set([...this.held.values()].flat())) wake(fd);
    await Promise.allSettled([...this.held.keys()]);
    for (const fd of [...this.opened].reverse()) close(fd);
  }
}

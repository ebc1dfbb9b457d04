// What a call thread tells the main thread without waking it: which call it is in, since when, on
// which descriptors, and that call's arguments as planned. One CallSlot per call thread, in a
// SharedArrayBuffer both threads see; the main thread reads it only when it looks for a held call
// (every task.ts LOOK_EVERY_MS) or wakes calls to leave. Plain Atomics, no messages: a message would
// wake the main thread twice per call, and each wake-up costs what the call itself costs.
//
// The hand-over of "was this call reported blocked?" is a small protocol on the REPORT word:
//   enter:  REPORT = -ticket (open)          main claims: CAS(REPORT, -ticket → ticket), writes the
//   leave:  CAS(REPORT, -ticket → 0)         unfinished line, then WRITTEN = ticket (+ notify)
// so either the call left before main claimed it (not blocked), or main claimed it first and the call
// thread waits for WRITTEN before it writes its own line: the unfinished line always comes first.
import type * as V8 from 'node:v8';
import type { Arg } from '../calls/event';
import * as xlat from '../libc/xlat';
import { syscallNumbersOf } from '../calls/registry';

/** node:v8, loaded on the first call that needs it: bin/netsys loads this module before anything, to start a thread. */
let v8Module: typeof V8 | null = null;
function v8(): typeof V8 {
  return (v8Module ??= require('node:v8') as typeof V8);
}

/** Int32 words of a slot. */
const TID = 0;
const TICKET = 1;
const IN_CALL = 2;
const REPORT = 3;
const WRITTEN = 4;
const FD_COUNT = 5;
const NR_A = 6;
const NR_B = 7;
const PLAN_LENGTH = 8;
const NAME_LENGTH = 9;
const OPEN_COUNT = 10;
/** Who closes the thread's descriptors on the way out: 0 not decided, 1 the thread, 2 the main thread. */
const CLOSER = 11;
const FDS = 16;
/** poll's descriptors beyond this many are not woken by a signal (the poll server's own limit is far below). */
const MAX_FDS = 1024;
/** The descriptors the thread has open (for the main thread to close if the thread is stuck outside a call). */
const OPEN_FDS = FDS + MAX_FDS;
const MAX_OPEN = 1024;
const INT_WORDS = OPEN_FDS + MAX_OPEN;
/** Float64 words, after the Int32 words: when the call started (ms since the epoch). */
const FLOAT_OFFSET = INT_WORDS * 4;
const NAME_OFFSET = FLOAT_OFFSET + 8;
const NAME_BYTES = 32;
const PLAN_OFFSET = NAME_OFFSET + NAME_BYTES;
/** The planned arguments, serialized (v8.serialize): room for a send's data up to -s 16384. */
const PLAN_BYTES = 64 * 1024;
/** Bytes of one slot in the shared buffer. */
export const SLOT_BYTES = PLAN_OFFSET + PLAN_BYTES;

/** How long a call thread waits for the main thread to finish writing an unfinished line, at most. */
const WRITTEN_WAIT_MS = 2000;


/** A call as the main thread sees it in a slot, while the call thread is in it. */
export interface SlotCall {
  readonly ticket: number;
  readonly name: string;
  /** System call numbers the kernel may show for it (accept: 43, or 288 for accept4). */
  readonly syscalls: readonly number[];
  readonly fds: readonly number[];
  /** ms since the epoch. */
  readonly startedAt: number;
}

/** Xlat tables travel by name: a table object is 20 entries, serialized again on every call otherwise. */
let tableNames: Map<xlat.Xlat, string> | null = null;
let tables: Map<string, xlat.Xlat> | null = null;

function knownTables(): { names: Map<xlat.Xlat, string>; byName: Map<string, xlat.Xlat> } {
  if (!tableNames || !tables) {
    tableNames = new Map();
    tables = new Map();
    for (const [name, value] of Object.entries(xlat)) {
      if (value && typeof value === 'object' && 'entries' in value && 'unknown' in value) {
        tableNames.set(value as xlat.Xlat, name);
        tables.set(name, value as xlat.Xlat);
      }
    }
  }
  return { names: tableNames, byName: tables };
}

type WireArg = Omit<Arg, 'table'> & { table?: string };

function toWire(args: readonly Arg[]): WireArg[] {
  const { names } = knownTables();
  return args.map((arg) => ('table' in arg ? { ...arg, table: names.get(arg.table) ?? '' } : arg));
}

function fromWire(args: readonly WireArg[]): Arg[] {
  const { byName } = knownTables();
  return args.map((arg) => (typeof arg.table === 'string' ? ({ ...arg, table: byName.get(arg.table) } as Arg) : (arg as Arg)));
}

/** Deep equality of planned arguments: Buffers by content, Xlat tables (shared objects) by identity. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

export class CallSlot {
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly bytes: Uint8Array;
  private ticket = 0;
  /** Per call name, the planned arguments last serialized and their bytes (a loop alternates recv and send). */
  private readonly serialized = new Map<string, { planned: readonly Arg[]; bytes: Buffer }>();
  /** Per call name, its system call numbers and its bytes as the slot holds them (a loop alternates recv and send). */
  private readonly names = new Map<string, { syscalls: readonly number[]; bytes: Buffer }>();
  /** The bytes now in the slot, and the name last written there. */
  private inSlot: Buffer | null = null;
  private lastName = '';

  /** `buffer` holds many slots; this one starts at byte `offset` (a multiple of 8). */
  constructor(buffer: SharedArrayBuffer, offset: number) {
    this.ints = new Int32Array(buffer, offset, INT_WORDS);
    this.floats = new Float64Array(buffer, offset + FLOAT_OFFSET, 1);
    this.bytes = new Uint8Array(buffer, offset, SLOT_BYTES);
  }

  /** The call thread's id (gettid), 0 until it has started. */
  get tid(): number {
    return Atomics.load(this.ints, TID);
  }

  set tid(value: number) {
    Atomics.store(this.ints, TID, value);
  }

  // ---- the call thread's side ----

  /**
   * Just before a call that may wait: what it is, on which descriptors, and its planned arguments.
   * Returns the ticket leave() takes.
   */
  enter(name: string, fds: readonly number[], planned: readonly Arg[], startedAt: number): number {
    const ticket = ++this.ticket;
    let named = this.names.get(name);
    if (!named) {
      named = { syscalls: syscallNumbersOf(name), bytes: Buffer.from(name, 'latin1').subarray(0, NAME_BYTES) };
      this.names.set(name, named);
    }
    const syscalls = named.syscalls;
    // A loop makes the same calls again and again (recv into the same buffer): each serialized once.
    let known = this.serialized.get(name);
    if (!known || !same(planned, known.planned)) {
      known = { planned, bytes: v8().serialize(toWire(planned)) };
      this.serialized.set(name, known);
    }
    if (known.bytes !== this.inSlot) {
      const fits = known.bytes.length <= PLAN_BYTES;
      if (fits) this.bytes.set(known.bytes, PLAN_OFFSET);
      Atomics.store(this.ints, PLAN_LENGTH, fits ? known.bytes.length : 0);
      this.inSlot = known.bytes;
    }
    if (name !== this.lastName) {
      this.bytes.set(named.bytes, NAME_OFFSET);
      Atomics.store(this.ints, NAME_LENGTH, named.bytes.length);
      this.lastName = name;
    }
    const count = Math.min(fds.length, MAX_FDS);
    for (let i = 0; i < count; i++) this.ints[FDS + i] = fds[i];
    Atomics.store(this.ints, FD_COUNT, count);
    Atomics.store(this.ints, NR_A, syscalls[0] ?? -1);
    Atomics.store(this.ints, NR_B, syscalls[1] ?? syscalls[0] ?? -1);
    this.floats[0] = startedAt;
    Atomics.store(this.ints, REPORT, -ticket);
    Atomics.store(this.ints, TICKET, ticket);
    Atomics.store(this.ints, IN_CALL, 1);
    return ticket;
  }

  /**
   * Just after the call returned: whether the main thread reported it blocked. If it did, this waits
   * (2 s at most) until the main thread has written the unfinished line, so that line comes first.
   */
  leave(ticket: number): boolean {
    Atomics.store(this.ints, IN_CALL, 0);
    Atomics.notify(this.ints, IN_CALL);
    if (Atomics.compareExchange(this.ints, REPORT, -ticket, 0) === -ticket) return false;
    const deadline = Date.now() + WRITTEN_WAIT_MS;
    for (let seen = Atomics.load(this.ints, WRITTEN); seen !== ticket && Date.now() < deadline; seen = Atomics.load(this.ints, WRITTEN)) {
      Atomics.wait(this.ints, WRITTEN, seen, 10);
    }
    return true;
  }

  /** The descriptors this thread has open now (after each call that opens or closes one). */
  setOpen(fds: readonly number[]): void {
    const count = Math.min(fds.length, MAX_OPEN);
    for (let i = 0; i < count; i++) this.ints[OPEN_FDS + i] = fds[i];
    Atomics.store(this.ints, OPEN_COUNT, count);
  }

  /** The thread is to close its descriptors: false when the main thread has taken that over. */
  closeOwn(): boolean {
    return Atomics.compareExchange(this.ints, CLOSER, 0, 1) !== 2;
  }

  // ---- the main thread's side ----

  /**
   * Takes over closing this thread's descriptors (it is stuck outside any call: a write to a standard
   * output nobody reads); returns them, or null when the thread has begun closing them itself.
   */
  takeOverClosing(): number[] | null {
    if (Atomics.compareExchange(this.ints, CLOSER, 0, 2) === 1) return null;
    const count = Atomics.load(this.ints, OPEN_COUNT);
    const fds: number[] = [];
    for (let i = 0; i < count; i++) fds.push(this.ints[OPEN_FDS + i]);
    return fds;
  }

  /** Whether this thread is in a call on `fd` now. */
  holds(fd: number): boolean {
    if (Atomics.load(this.ints, IN_CALL) === 0) return false;
    const count = Atomics.load(this.ints, FD_COUNT);
    for (let i = 0; i < count; i++) if (this.ints[FDS + i] === fd) return true;
    return false;
  }

  /** Waits (at most `ms`) until this thread is in no call on `fd` (another thread's send, before the socket is closed). */
  waitUntilFree(fd: number, ms: number): void {
    const deadline = Date.now() + ms;
    while (this.holds(fd) && Date.now() < deadline) Atomics.wait(this.ints, IN_CALL, 1, 10);
  }

  /** The call the thread is in now, or null. Read twice around a look at /proc to be sure it is the same. */
  current(): SlotCall | null {
    if (Atomics.load(this.ints, IN_CALL) === 0) return null;
    const ticket = Atomics.load(this.ints, TICKET);
    const count = Atomics.load(this.ints, FD_COUNT);
    const fds: number[] = [];
    for (let i = 0; i < count; i++) fds.push(this.ints[FDS + i]);
    const name = Buffer.from(this.bytes.subarray(NAME_OFFSET, NAME_OFFSET + Atomics.load(this.ints, NAME_LENGTH))).toString('latin1');
    const syscalls = [Atomics.load(this.ints, NR_A), Atomics.load(this.ints, NR_B)];
    const call = { ticket, name, syscalls, fds, startedAt: this.floats[0] };
    return Atomics.load(this.ints, IN_CALL) === 1 && Atomics.load(this.ints, TICKET) === ticket ? call : null;
  }

  /** The planned arguments of the call with `ticket`, or null when it has left it (or they did not fit). */
  planned(ticket: number): Arg[] | null {
    const length = Atomics.load(this.ints, PLAN_LENGTH);
    if (length === 0) return null;
    const copy = Buffer.from(this.bytes.subarray(PLAN_OFFSET, PLAN_OFFSET + length));
    if (Atomics.load(this.ints, TICKET) !== ticket || Atomics.load(this.ints, IN_CALL) === 0) return null;
    try {
      return fromWire(v8().deserialize(copy) as WireArg[]);
    } catch {
      return null; // overwritten by the next call while it was copied
    }
  }

  /** Claims the call with `ticket` as blocked; false when it has returned meanwhile. Then: written(). */
  claim(ticket: number): boolean {
    return Atomics.compareExchange(this.ints, REPORT, -ticket, ticket) === -ticket;
  }

  /** The unfinished line of the claimed call `ticket` is written: the call thread may write its own. */
  written(ticket: number): void {
    Atomics.store(this.ints, WRITTEN, ticket);
    Atomics.notify(this.ints, WRITTEN);
  }
}

/** Header words of the shared buffer, before the slots. */
const HEADER_WORDS = 8;
const STOP = 0;
const WOKEN = 1;
const SEQ = 2;
const SENDER_FINISHED = 3;
const HEADER_BYTES = HEADER_WORDS * 4;

/**
 * Everything the threads of one netsys process share: whether the program is leaving, whether the
 * main thread has written its wake-up calls, the sequence numbers of events, and a slot per call thread.
 */
export class SharedState {
  readonly header: Int32Array;
  readonly slots: CallSlot[];

  constructor(
    readonly buffer: SharedArrayBuffer,
    slotCount: number,
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.slots = Array.from({ length: slotCount }, (_, i) => new CallSlot(buffer, HEADER_BYTES + i * SLOT_BYTES));
  }

  static create(slotCount: number): SharedState {
    return new SharedState(new SharedArrayBuffer(HEADER_BYTES + slotCount * SLOT_BYTES), slotCount);
  }

  /** Asked once the program is leaving: no call is made after this is seen. */
  get stopping(): boolean {
    return Atomics.load(this.header, STOP) !== 0;
  }

  stop(): void {
    Atomics.store(this.header, STOP, 1);
  }

  /** The main thread has written every wake-up call (shutdown) it made: the woken calls' lines may follow. */
  woken(): void {
    Atomics.store(this.header, WOKEN, 1);
    Atomics.notify(this.header, WOKEN);
  }

  /** Waits (at most `ms`) until the main thread has written its wake-up calls. */
  waitUntilWoken(ms: number): void {
    if (Atomics.load(this.header, WOKEN) === 0) Atomics.wait(this.header, WOKEN, 0, ms);
  }

  /** The next event's sequence number, shared by every thread of the process. */
  nextSeq(): number {
    return Atomics.add(this.header, SEQ, 1) + 1;
  }

  /** The client's sending thread has sent all of standard input and shut down its side. */
  get senderFinished(): boolean {
    return Atomics.load(this.header, SENDER_FINISHED) !== 0;
  }

  markSenderFinished(): void {
    Atomics.store(this.header, SENDER_FINISHED, 1);
    Atomics.notify(this.header, SENDER_FINISHED);
  }

  /** Waits (at most `ms`) for the sending thread to finish. */
  waitForSender(ms: number): void {
    if (!this.senderFinished) Atomics.wait(this.header, SENDER_FINISHED, 0, ms);
  }
}

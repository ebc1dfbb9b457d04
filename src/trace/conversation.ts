// Two processes' --json traces merged into one conversation: every call and note of each side in time
// order, with the moments where a call on one side completed because of a call on the other side
// (the handshake, each transfer of bytes, each FIN). Pure: the renderers (lanes, mermaid) draw it.

export type Side = 'server' | 'client';

/** An argument as --json writes it (see json.ts): its strace text and typed fields. */
export interface JsonArg {
  readonly name: string;
  readonly type: string;
  readonly text: string;
  readonly value?: number | string;
  readonly port?: number;
}

export interface JsonState {
  readonly fd: number;
  readonly state: string;
  readonly text: string;
}

/** One call as --json writes it. */
export interface CallRecord {
  readonly type: 'call';
  readonly seq: number;
  readonly pid: number;
  readonly call: string;
  readonly args: readonly JsonArg[];
  readonly ret: number;
  readonly errno: { readonly name: string } | null;
  /** Seconds since the epoch, and seconds in the call. */
  readonly start: number;
  readonly duration: number;
  readonly text: string;
  readonly state?: readonly JsonState[];
}

export interface NoteRecord {
  readonly type: 'note';
  readonly text: string;
}

/** A call the kernel held for a while before it returned (`--json`'s `blocked` record). */
export interface BlockedRecord {
  readonly type: 'blocked';
  readonly call: string;
  /** strace's unfinished line: `accept(18,  <unfinished ...>`. */
  readonly text: string;
  readonly start: number;
}

export type TraceRecord = CallRecord | NoteRecord | BlockedRecord;

export type LinkKind = 'handshake' | 'data' | 'close';

/** A call on `to`'s side that completed because of calls on `from`'s side. */
export interface Link {
  readonly kind: LinkKind;
  readonly from: Side;
  readonly to: Side;
  /** `6 bytes: client send(18) → server recv(19)`. */
  readonly text: string;
}

export type Step =
  | { readonly kind: 'call'; readonly side: Side; readonly record: CallRecord }
  | { readonly kind: 'note'; readonly side: Side; readonly text: string }
  | { readonly kind: 'blocked'; readonly side: Side; readonly text: string }
  | { readonly kind: 'link'; readonly link: Link };

/** One line of a child's trace: a --json record, or any other line (an error message) as a note. */
export function parseTraceLine(line: string): TraceRecord {
  try {
    const record = JSON.parse(line) as TraceRecord;
    if (record && (record.type === 'call' || record.type === 'note' || record.type === 'blocked')) return record;
  } catch {
    // not JSON: shown as it came
  }
  return { type: 'note', text: line };
}

/** The strace text with strace's column padding folded: `listen(3, 4) = 0`. */
export function foldedText(record: CallRecord): string {
  return record.text.replace(/\) +=/, ') =');
}

interface Cause {
  readonly calls: readonly CallRecord[];
  readonly link: Link;
}

/** A connection as one side sees it: its descriptor and the calls made on it while it was open. */
interface Connection {
  readonly side: Side;
  readonly opener: CallRecord;
  readonly fd: number;
  readonly calls: CallRecord[];
  /** The client's own port, or the peer port accept reported: how the two sides' views are matched. */
  clientPort?: number;
}

function fdOf(record: CallRecord): number | undefined {
  const first = record.args[0];
  return first && first.type === 'fd' && typeof first.value === 'number' ? first.value : undefined;
}

function succeeded(record: CallRecord): boolean {
  return record.errno === null && record.ret >= 0;
}

/** Follows each side's descriptors: which calls belong to which connection. */
function connections(side: Side, calls: readonly CallRecord[]): Connection[] {
  const found: Connection[] = [];
  const open = new Map<number, Connection>();
  for (const record of calls) {
    const fd = fdOf(record);
    const current = fd === undefined ? undefined : open.get(fd);
    if (current) current.calls.push(record);
    if (side === 'server' && record.call === 'accept' && succeeded(record)) {
      const connection: Connection = { side, opener: record, fd: record.ret, calls: [], clientPort: record.args[1]?.port };
      found.push(connection);
      open.set(record.ret, connection);
    } else if (side === 'client' && record.call === 'connect' && succeeded(record) && fd !== undefined) {
      const connection: Connection = { side, opener: record, fd, calls: [] };
      found.push(connection);
      open.set(fd, connection);
    } else if (current && record.call === 'getsockname' && side === 'client' && succeeded(record)) {
      current.clientPort = record.args[1]?.port;
    }
    if (record.call === 'close' && fd !== undefined) open.delete(fd);
  }
  return found;
}

/** Pairs the server's accepted connections with the client's connected ones: by port, else in order. */
function pairs(server: Connection[], client: Connection[]): Array<[Connection, Connection]> {
  const unpaired = [...client];
  const paired: Array<[Connection, Connection]> = [];
  for (const accepted of server) {
    let index = unpaired.findIndex((c) => c.clientPort !== undefined && c.clientPort === accepted.clientPort);
    if (index < 0) index = unpaired.findIndex((c) => c.clientPort === undefined || accepted.clientPort === undefined);
    if (index < 0) continue;
    paired.push([accepted, unpaired[index]]);
    unpaired.splice(index, 1);
  }
  return paired;
}

const bytes = (count: number): string => (count === 1 ? '1 byte' : `${count} bytes`);

/** Each recv that returned data, linked to the sends on the other side whose bytes it received. */
function transfers(from: Connection, to: Connection, add: (effect: CallRecord, cause: Cause) => void): void {
  const sends: Array<{ record: CallRecord; first: number; end: number }> = [];
  let sent = 0;
  for (const record of from.calls) {
    if (record.call !== 'send' || !succeeded(record) || record.ret === 0) continue;
    sends.push({ record, first: sent, end: sent + record.ret });
    sent += record.ret;
  }
  let received = 0;
  for (const record of to.calls) {
    if (record.call !== 'recv' || !succeeded(record) || record.ret === 0) continue;
    const first = received;
    received += record.ret;
    const causes = sends.filter((s) => s.first < received && s.end > first).map((s) => s.record);
    if (causes.length === 0) continue;
    const times = causes.length > 1 ? ` ×${causes.length}` : '';
    const text = `${bytes(record.ret)}: ${from.side} send(${from.fd})${times} → ${to.side} recv(${to.fd})`;
    add(record, { calls: causes, link: { kind: 'data', from: from.side, to: to.side, text } });
  }
}

/** The first recv returning 0 on one side, linked to the shutdown or close that sent the FIN on the other. */
function finish(from: Connection, to: Connection, add: (effect: CallRecord, cause: Cause) => void): void {
  const fin = from.calls.find(
    (r) => succeeded(r) && (r.call === 'close' || (r.call === 'shutdown' && /SHUT_(WR|RDWR)/.test(r.args[1]?.text ?? ''))),
  );
  const eof = to.calls.find((r) => r.call === 'recv' && succeeded(r) && r.ret === 0);
  if (!fin || !eof) return;
  const finCall = fin.call === 'shutdown' ? `shutdown(${from.fd}, ${fin.args[1].text})` : `close(${from.fd})`;
  const text = `FIN: ${from.side} ${finCall} → ${to.side} recv(${to.fd}) = 0`;
  add(eof, { calls: [fin], link: { kind: 'close', from: from.side, to: to.side, text } });
}

function causes(server: readonly CallRecord[], client: readonly CallRecord[]): Map<CallRecord, Cause[]> {
  const found = new Map<CallRecord, Cause[]>();
  const add = (effect: CallRecord, cause: Cause) => found.set(effect, [...(found.get(effect) ?? []), cause]);
  for (const [accepted, connected] of pairs(connections('server', server), connections('client', client))) {
    const text = `handshake: client connect(${connected.fd}) = 0 → accept queue → server accept(${fdOf(accepted.opener)}) = ${accepted.fd}`;
    add(accepted.opener, { calls: [connected.opener], link: { kind: 'handshake', from: 'client', to: 'server', text } });
    transfers(connected, accepted, add);
    transfers(accepted, connected, add);
    finish(connected, accepted, add);
    finish(accepted, connected, add);
  }
  return found;
}

/** When each record happened: a call when it returned; a blocked call when it started; a note just after the record before it. */
function timeline(records: readonly TraceRecord[]): number[] {
  let last = -Infinity;
  return records.map((record) => {
    if (record.type === 'call') last = record.start + record.duration;
    if (record.type === 'blocked') last = Math.max(last, record.start);
    return last;
  });
}

/**
 * Merges the two traces in the order the calls returned, keeping each side's own order, and never
 * putting a call before the calls on the other side that it waited for (clocks of two processes
 * can disagree by a little).
 */
export function converse(server: readonly TraceRecord[], client: readonly TraceRecord[]): Step[] {
  const calls = (records: readonly TraceRecord[]) => records.filter((r): r is CallRecord => r.type === 'call');
  const waitsFor = causes(calls(server), calls(client));
  const sides = [
    { side: 'server' as const, records: server, times: timeline(server), next: 0 },
    { side: 'client' as const, records: client, times: timeline(client), next: 0 },
  ];
  const done = new Set<CallRecord>();
  const ready = (record: TraceRecord) =>
    record.type !== 'call' || (waitsFor.get(record) ?? []).every((cause) => cause.calls.every((c) => done.has(c)));
  const steps: Step[] = [];
  while (sides.some((s) => s.next < s.records.length)) {
    const candidates = sides.filter((s) => s.next < s.records.length);
    const unblocked = candidates.filter((s) => ready(s.records[s.next]));
    const pool = unblocked.length > 0 ? unblocked : candidates;
    const chosen = pool.reduce((a, b) => (b.times[b.next] < a.times[a.next] ? b : a));
    const record = chosen.records[chosen.next++];
    if (record.type !== 'call') {
      steps.push({ kind: record.type, side: chosen.side, text: record.text });
      continue;
    }
    for (const cause of waitsFor.get(record) ?? []) steps.push({ kind: 'link', link: cause.link });
    steps.push({ kind: 'call', side: chosen.side, record });
    done.add(record);
  }
  return steps;
}

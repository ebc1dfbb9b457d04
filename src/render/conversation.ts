// Two sides' traces merged into one conversation: every call and note of each side in time order,
// with the moments where a call on one side completed because of a call on the other side (the
// handshake, each transfer of bytes, each FIN). Built from events: a lesson's own, or the demo's
// children's, decoded once from --json (json-read.ts). Pure: the renderers (lanes, mermaid) draw it.
import { InetSockAddr, isInet } from '../libc/addresses';
import { formatEnum, SHUTDOWN_MODES, valueOf } from '../libc/xlat';
import type { Arg, BlockedCall, CallEvent } from '../calls/event';

export type Side = 'server' | 'client';

/** One item of a side's trace: a call that returned, a call the kernel holds, or a note for people. */
export type TraceItem =
  | { readonly type: 'call'; readonly event: CallEvent }
  | { readonly type: 'blocked'; readonly call: BlockedCall }
  /** `listening`: where a server listens, when the note says so. */
  | { readonly type: 'note'; readonly text: string; readonly listening?: InetSockAddr };

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
  | { readonly kind: 'call'; readonly side: Side; readonly event: CallEvent }
  | { readonly kind: 'note'; readonly side: Side; readonly text: string }
  | { readonly kind: 'blocked'; readonly side: Side; readonly call: BlockedCall }
  | { readonly kind: 'link'; readonly link: Link };

/** A strace line with strace's column padding folded: `listen(3, 4) = 0`. */
export function folded(line: string): string {
  return line.replace(/\) +=/, ') =');
}

interface Cause {
  readonly calls: readonly CallEvent[];
  readonly link: Link;
}

/** A connection as one side sees it: its descriptor and the calls made on it while it was open. */
interface Connection {
  readonly side: Side;
  readonly opener: CallEvent;
  readonly fd: number;
  readonly calls: CallEvent[];
  /** The client's own port, or the peer port accept reported: how the two sides' views are matched. */
  clientPort?: number;
}

function fdOf(event: CallEvent): number | undefined {
  const first = event.args[0];
  return first?.type === 'fd' ? first.value : undefined;
}

/** The port of an address argument: the peer accept reported, the local end getsockname did. */
function portOf(arg: Arg | undefined): number | undefined {
  return arg?.type === 'sockaddr' && isInet(arg.addr) ? arg.addr.port : undefined;
}

function succeeded(event: CallEvent): boolean {
  return event.error === null && event.ret >= 0;
}

const SHUT_WR = valueOf(SHUTDOWN_MODES, 'SHUT_WR');
const SHUT_RDWR = valueOf(SHUTDOWN_MODES, 'SHUT_RDWR');

/** A shutdown that sent a FIN: SHUT_WR or SHUT_RDWR. */
function endsSending(event: CallEvent): boolean {
  const how = event.args[1];
  return event.name === 'shutdown' && how?.type === 'enum' && (how.value === SHUT_WR || how.value === SHUT_RDWR);
}

/** Follows each side's descriptors: which calls belong to which connection. */
function connections(side: Side, calls: readonly CallEvent[]): Connection[] {
  const found: Connection[] = [];
  const open = new Map<number, Connection>();
  for (const record of calls) {
    const fd = fdOf(record);
    const current = fd === undefined ? undefined : open.get(fd);
    if (current) current.calls.push(record);
    if (side === 'server' && record.name === 'accept' && succeeded(record)) {
      const connection: Connection = { side, opener: record, fd: record.ret, calls: [], clientPort: portOf(record.args[1]) };
      found.push(connection);
      open.set(record.ret, connection);
    } else if (side === 'client' && record.name === 'connect' && succeeded(record) && fd !== undefined) {
      const connection: Connection = { side, opener: record, fd, calls: [] };
      found.push(connection);
      open.set(fd, connection);
    } else if (current && record.name === 'getsockname' && side === 'client' && succeeded(record)) {
      current.clientPort = portOf(record.args[1]);
    }
    if (record.name === 'close' && fd !== undefined) open.delete(fd);
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
function transfers(from: Connection, to: Connection, add: (effect: CallEvent, cause: Cause) => void): void {
  const sends: Array<{ record: CallEvent; first: number; end: number }> = [];
  let sent = 0;
  for (const record of from.calls) {
    if (record.name !== 'send' || !succeeded(record) || record.ret === 0) continue;
    sends.push({ record, first: sent, end: sent + record.ret });
    sent += record.ret;
  }
  let received = 0;
  for (const record of to.calls) {
    if (record.name !== 'recv' || !succeeded(record) || record.ret === 0) continue;
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
function finish(from: Connection, to: Connection, add: (effect: CallEvent, cause: Cause) => void): void {
  const fin = from.calls.find((r) => succeeded(r) && (r.name === 'close' || endsSending(r)));
  const eof = to.calls.find((r) => r.name === 'recv' && succeeded(r) && r.ret === 0);
  if (!fin || !eof) return;
  const how = fin.args[1];
  const finCall = how?.type === 'enum' ? `shutdown(${from.fd}, ${formatEnum(how.table, how.value)})` : `close(${from.fd})`;
  const text = `FIN: ${from.side} ${finCall} → ${to.side} recv(${to.fd}) = 0`;
  add(eof, { calls: [fin], link: { kind: 'close', from: from.side, to: to.side, text } });
}

function causes(server: readonly CallEvent[], client: readonly CallEvent[]): Map<CallEvent, Cause[]> {
  const found = new Map<CallEvent, Cause[]>();
  const add = (effect: CallEvent, cause: Cause) => found.set(effect, [...(found.get(effect) ?? []), cause]);
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

/** When each item happened: a call when it returned; a blocked call when it started; a note just after the item before it. */
function timeline(items: readonly TraceItem[]): number[] {
  let last = -Infinity;
  return items.map((item) => {
    if (item.type === 'call') last = item.event.startedAt + item.event.durationMs;
    if (item.type === 'blocked') last = Math.max(last, item.call.startedAt);
    return last;
  });
}

/**
 * Merges the two traces in the order the calls returned, keeping each side's own order, and never
 * putting a call before the calls on the other side that it waited for (clocks of two processes
 * can disagree by a little).
 */
export function converse(server: readonly TraceItem[], client: readonly TraceItem[]): Step[] {
  const calls = (items: readonly TraceItem[]) => items.flatMap((item) => (item.type === 'call' ? [item.event] : []));
  const waitsFor = causes(calls(server), calls(client));
  const sides = [
    { side: 'server' as const, records: server, times: timeline(server), next: 0 },
    { side: 'client' as const, records: client, times: timeline(client), next: 0 },
  ];
  const done = new Set<CallEvent>();
  const ready = (item: TraceItem) =>
    item.type !== 'call' || (waitsFor.get(item.event) ?? []).every((cause) => cause.calls.every((c) => done.has(c)));
  const steps: Step[] = [];
  while (sides.some((s) => s.next < s.records.length)) {
    const candidates = sides.filter((s) => s.next < s.records.length);
    const unblocked = candidates.filter((s) => ready(s.records[s.next]));
    const pool = unblocked.length > 0 ? unblocked : candidates;
    const chosen = pool.reduce((a, b) => (b.times[b.next] < a.times[a.next] ? b : a));
    const item = chosen.records[chosen.next++];
    if (item.type === 'note') {
      steps.push({ kind: 'note', side: chosen.side, text: item.text });
    } else if (item.type === 'blocked') {
      steps.push({ kind: 'blocked', side: chosen.side, call: item.call });
    } else {
      for (const cause of waitsFor.get(item.event) ?? []) steps.push({ kind: 'link', link: cause.link });
      steps.push({ kind: 'call', side: chosen.side, event: item.event });
      done.add(item.event);
    }
  }
  return steps;
}

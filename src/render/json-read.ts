// Reading another netsys process's `--json` trace back into events, once, where it crosses into this
// process (the demo's children). Every field is checked; a line that is not a well-formed record
// becomes a note carrying the line as it came. Enum and flag arguments carry only their value in
// JSON: the table that names them comes from the call's entry in the registry.
import { AF_INET, InetSockAddr, SockAddr } from '../libc/addresses';
import type { ErrorInfo } from '../libc/results';
import type { Addrinfo } from '../libc/results';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, Xlat } from '../libc/xlat';
import type { AcceptQueue, Arg, BlockedCall, CallEvent, CallKind, PollFd, SocketName, SocketState } from '../calls/event';
import type { TraceItem } from './conversation';
import { specOf } from '../calls/registry';

type Json = Readonly<Record<string, unknown>>;

/** A record that does not have the shape json.ts writes. */
class Malformed extends Error {}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed(`${what} is not an object`);
  return value as Json;
}

function array(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Malformed(`${what} is not an array`);
  return value;
}

function number(record: Json, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Malformed(`${key} is not a number`);
  return value;
}

function string(record: Json, key: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw new Malformed(`${key} is not a string`);
  return value;
}

function optionalString(record: Json, key: string): string | undefined {
  return record[key] === undefined ? undefined : string(record, key);
}

/** A descriptor's socket as --json wrote it under -y or -yy: `endpoint` and `inode`, each when present. */
function socketName(record: Json, endpointKey = 'endpoint', inodeKey = 'inode'): SocketName {
  const endpoint = optionalString(record, endpointKey);
  return { ...(endpoint === undefined ? {} : { endpoint }), ...(record[inodeKey] === undefined ? {} : { inode: number(record, inodeKey) }) };
}

function family(record: Json, key = 'family'): number {
  const name = string(record, key);
  const found = ADDRESS_FAMILIES.entries.find(([entry]) => entry === name);
  if (!found) throw new Malformed(`unknown family ${name}`);
  return found[1];
}

function sockaddr(record: Json): SockAddr {
  const sa_family = family(record);
  if (record.address === undefined) return { family: sa_family, data: Buffer.from(string(record, 'data'), 'hex') };
  return { family: sa_family, address: string(record, 'address'), port: number(record, 'port'), flowinfo: number(record, 'flowinfo'), scopeId: number(record, 'scope_id') };
}

/** The xlat table of argument `name` of `call`, from the registry: what --json left out. */
function tableOf(call: string, name: string): Xlat {
  const spec = specOf(call);
  const param = spec && spec.kind !== 'explained' ? spec.params.find((candidate) => candidate.name === name) : undefined;
  if (param?.kind === 'enum' || param?.kind === 'flags') return param.table;
  if (param?.kind === 'protocol') return IP_PROTOCOLS;
  throw new Malformed(`${call} has no named-constant argument ${name}`);
}

function addrinfoEntry(value: unknown): Addrinfo {
  const entry = object(value, 'an addrinfo entry');
  const addr: InetSockAddr = { family: family(entry), address: string(entry, 'address'), port: 0, flowinfo: 0, scopeId: 0 };
  return { family: addr.family, socktype: number(entry, 'socktype'), protocol: number(entry, 'protocol'), addr, addrlen: 0 };
}

function arg(call: string, value: unknown): Arg {
  const record = object(value, 'an argument');
  const name = string(record, 'name');
  const type = string(record, 'type');
  switch (type) {
    case 'int':
    case 'socktype':
    case 'intref':
      return { name, type, value: number(record, 'value') };
    case 'fd':
      return { name, type, value: number(record, 'value'), ...socketName(record) };
    case 'enum':
    case 'flags':
      return { name, type, table: tableOf(call, name), value: number(record, 'value') };
    case 'sockopt':
      return { name, type, level: number(record, 'level'), value: number(record, 'value') };
    case 'sockaddr':
      return { name, type, addr: sockaddr(record) };
    case 'pointer':
      return { name, type, value: BigInt(string(record, 'value')) };
    case 'bytes':
      return { name, type, head: Buffer.from(string(record, 'hex'), 'hex'), length: number(record, 'length') };
    case 'socklen':
      return { name, type, before: number(record, 'before'), after: number(record, 'after') };
    case 'string':
      return { name, type, value: string(record, 'value') };
    case 'hints':
      return { name, type, hints: { flags: number(record, 'flags'), family: number(record, 'family'), socktype: number(record, 'socktype'), protocol: number(record, 'protocol') } };
    case 'addrinfo':
      return { name, type, entries: array(record.entries, 'entries').map(addrinfoEntry) };
    case 'pollfds':
      return { name, type, fds: array(record.fds, 'fds').map((fd) => ({ ...pollfd(fd), revents: 0 })) };
    case 'output':
      return { name, type };
    default:
      throw new Malformed(`unknown argument type ${type}`);
  }
}

function pollfd(value: unknown): { fd: number; events: number } & SocketName {
  const entry = object(value, 'a pollfd');
  return { fd: number(entry, 'fd'), events: entry.events === undefined ? 0 : number(entry, 'events'), ...socketName(entry) };
}

function ready(value: unknown): PollFd {
  const entry = object(value, 'a ready pollfd');
  return { fd: number(entry, 'fd'), events: 0, revents: number(entry, 'revents') };
}

function error(value: unknown): ErrorInfo | null {
  if (value === null) return null;
  const record = object(value, 'errno');
  return { code: number(record, 'code'), name: string(record, 'name'), message: string(record, 'message') };
}

function state(value: unknown): SocketState {
  const record = object(value, 'a state');
  return {
    fd: number(record, 'fd'),
    state: string(record, 'state'),
    ...(record.accept_queue === undefined ? {} : { acceptQueue: acceptQueue(record) }),
    ...(record.unread === undefined ? {} : { unread: number(record, 'unread') }),
    ...(record.unacked === undefined ? {} : { unacked: number(record, 'unacked') }),
    ...(record.fin_unacked === true ? { finUnacked: true } : {}),
    ...(record.connection === undefined ? {} : { connection: connection(record.connection) }),
  };
}

/** A CLOSE socket's former connection, as --state's JSON writes it. */
function connection(value: unknown): NonNullable<SocketState['connection']> {
  const record = object(value, 'a connection');
  const state = optionalString(record, 'state');
  return { local: string(record, 'local'), peer: string(record, 'peer'), ...(state === undefined ? {} : { state }) };
}

function kind(record: Json): CallKind {
  const value = record.kind ?? 'syscall';
  if (value !== 'syscall' && value !== 'libc') throw new Malformed(`unknown kind ${String(value)}`);
  return value;
}

/** Seconds since the epoch, as --json writes them, in milliseconds. */
function ms(record: Json, key: string): number {
  return number(record, key) * 1000;
}

function callEvent(record: Json): CallEvent {
  const name = string(record, 'call');
  const { endpoint: retEndpoint, inode: retInode } = socketName(record, 'ret_endpoint', 'ret_inode');
  return {
    seq: number(record, 'seq'),
    pid: number(record, 'pid'),
    name,
    kind: kind(record),
    args: array(record.args, 'args').map((value) => arg(name, value)),
    ret: number(record, 'ret'),
    error: error(record.errno),
    startedAt: ms(record, 'start'),
    durationMs: ms(record, 'duration'),
    ...(record.blocked === true ? { blocked: true } : {}),
    ...(record.ready === undefined ? {} : { ready: array(record.ready, 'ready').map(ready) }),
    ...(retEndpoint === undefined ? {} : { retEndpoint }),
    ...(retInode === undefined ? {} : { retInode }),
    ...(record.state === undefined ? {} : { states: array(record.state, 'state').map(state) }),
  };
}

/** `accept_queue` and `backlog`, as json.ts writes a listener's queue. */
function acceptQueue(record: Json): AcceptQueue {
  return { waiting: number(record, 'accept_queue'), backlog: number(record, 'backlog') };
}

function blockedCall(record: Json): BlockedCall {
  const name = string(record, 'call');
  return {
    pid: number(record, 'pid'),
    name,
    kind: kind(record),
    args: array(record.args, 'args').map((value) => arg(name, value)),
    startedAt: ms(record, 'start'),
    ...(record.listener === undefined ? {} : { listener: acceptQueue(object(record.listener, 'listener')) }),
  };
}

function note(record: Json): TraceItem {
  const text = string(record, 'text');
  if (record.listening === undefined) return { type: 'note', text };
  const where = object(record.listening, 'listening');
  const listening: InetSockAddr = { family: where.family === undefined ? AF_INET : family(where), address: string(where, 'address'), port: number(where, 'port'), flowinfo: 0, scopeId: 0 };
  return { type: 'note', text, listening };
}

function item(record: Json): TraceItem {
  switch (record.type) {
    case 'call':
      return { type: 'call', event: callEvent(record) };
    case 'blocked':
      return { type: 'blocked', call: blockedCall(record) };
    case 'note':
      return note(record);
    default:
      throw new Malformed(`unknown record type ${String(record.type)}`);
  }
}

/**
 * One line of a child's `--json` trace (json.ts wrote it) as a trace item. Any other line (an error
 * message), or a record without the fields its type has, becomes a note with the line as it came.
 */
export function decodeTraceLine(line: string): TraceItem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { type: 'note', text: line };
  }
  try {
    return item(object(parsed, 'the record'));
  } catch (problem) {
    if (problem instanceof Malformed) return { type: 'note', text: line };
    throw problem;
  }
}

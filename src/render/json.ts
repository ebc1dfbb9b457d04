// `--json`: one object per call, one call per line. Documented in the README.
import { ADDRESS_FAMILIES, formatEnum } from '../libc/xlat';
import { InetSockAddr, isInet } from '../libc/addresses';
import type { CallCount } from './count';
import type { Arg, BlockedCall, CallEvent, SocketName, SocketState } from '../calls/event';
import { formatSocketState } from './state';
import { formatArg, formatLine, formatUnfinished, StraceOptions } from './strace';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A descriptor's socket, when -y or -yy read it: `endpoint` (strace -yy's name) and `inode` (strace -y's). */
function socketName(name: SocketName): { [key: string]: JsonValue } {
  return { ...(name.endpoint === undefined ? {} : { endpoint: name.endpoint }), ...(name.inode === undefined ? {} : { inode: name.inode }) };
}

function argDetails(arg: Arg): { [key: string]: JsonValue } {
  switch (arg.type) {
    case 'bytes':
      return { length: arg.length, hex: arg.head.toString('hex') };
    case 'sockaddr': {
      const family = formatEnum(ADDRESS_FAMILIES, arg.addr.family);
      if (!isInet(arg.addr)) return { family, data: arg.addr.data.toString('hex') };
      const { address, port, flowinfo, scopeId } = arg.addr;
      return { family, address, port, flowinfo, scope_id: scopeId };
    }
    case 'pointer':
      return { value: `0x${arg.value.toString(16)}` };
    case 'socklen':
      return { before: arg.before, after: arg.after };
    case 'sockopt':
      return { level: arg.level, value: arg.value };
    case 'hints':
      return { ...arg.hints };
    case 'addrinfo':
      return {
        entries: arg.entries.map((entry) => ({
          family: formatEnum(ADDRESS_FAMILIES, entry.family),
          address: entry.addr.address,
          socktype: entry.socktype,
          protocol: entry.protocol,
        })),
      };
    case 'pollfds':
      return { fds: arg.fds.map((entry) => ({ fd: entry.fd, events: entry.events, ...socketName(entry) })) };
    case 'output':
      return {};
    case 'fd':
      return { value: arg.value, ...socketName(arg) };
    default:
      return { value: arg.value };
  }
}

function jsonArgs(args: readonly Arg[], options: StraceOptions): JsonValue[] {
  return args.map((arg) => ({ name: arg.name, type: arg.type, text: formatArg(arg, options), ...argDetails(arg) }));
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(6));
}

function stateJson(state: SocketState): { [key: string]: JsonValue } {
  const record: { [key: string]: JsonValue } = { fd: state.fd, state: state.state };
  if (state.acceptQueue) {
    record.accept_queue = state.acceptQueue.waiting;
    record.backlog = state.acceptQueue.backlog;
  }
  if (state.unread !== undefined) record.unread = state.unread;
  if (state.unacked !== undefined) record.unacked = state.unacked;
  if (state.finUnacked) record.fin_unacked = true;
  if (state.connection) record.connection = { ...state.connection };
  record.text = formatSocketState(state);
  return record;
}

export function formatJson(event: CallEvent, options: StraceOptions): string {
  const record: { [key: string]: JsonValue } = {
    type: 'call',
    seq: event.seq,
    pid: event.pid,
    call: event.name,
    kind: event.kind,
    args: jsonArgs(event.args, options),
    ret: event.ret,
    errno: event.error ? { code: event.error.code, name: event.error.name, message: event.error.message } : null,
    start: seconds(event.startedAt),
    duration: seconds(event.durationMs),
    blocked: Boolean(event.blocked),
    ...(event.ready ? { ready: event.ready.map((entry) => ({ fd: entry.fd, revents: entry.revents })) } : {}),
    text: formatLine(event, options),
  };
  if (event.retEndpoint !== undefined) record.ret_endpoint = event.retEndpoint;
  if (event.retInode !== undefined) record.ret_inode = event.retInode;
  if (event.states) record.state = event.states.map(stateJson);
  return JSON.stringify(record);
}

/** A call the kernel is holding; its `call` record follows when it returns. */
export function formatJsonBlocked(call: BlockedCall, options: StraceOptions): string {
  return JSON.stringify({
    type: 'blocked',
    pid: call.pid,
    call: call.name,
    args: jsonArgs(call.args, options),
    start: seconds(call.startedAt),
    ...(call.listener ? { listener: { accept_queue: call.listener.waiting, backlog: call.listener.backlog } } : {}),
    text: formatUnfinished(call, options),
  });
}

export function formatJsonNote(text: string): string {
  return JSON.stringify({ type: 'note', text });
}

/** The note a server gives once it listens, with where as fields: `listening: {address, port}`. */
export function formatJsonListening(text: string, addr: InetSockAddr): string {
  return JSON.stringify({ type: 'note', text, listening: { family: formatEnum(ADDRESS_FAMILIES, addr.family), address: addr.address, port: addr.port } });
}

/** -c with --json: the counts as one object, times in seconds. */
export function formatJsonSummary(rows: readonly CallCount[]): string {
  return JSON.stringify({
    type: 'summary',
    calls: rows.map((row) => ({
      syscall: row.syscall,
      calls: row.calls,
      errors: row.errors,
      seconds: Number((row.nanoseconds / 1e9).toFixed(9)),
    })),
  });
}

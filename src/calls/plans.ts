// A call's arguments, planned once from its registry entry: the C values libc is given, the arguments
// as the trace shows them before the kernel answers (those it fills in are placeholders of type
// 'output'), and how to read what it filled in afterwards. Used three ways: the recorder makes the
// call from it, a blocked call is shown with it, and a lesson prints it as the call it is about to make.
import { AF_INET, AF_INET6, SockAddr, sockaddrSize } from '../libc/addresses';
import type { Addrinfo } from '../libc/results';
import type { CType, RawResult, SyscallSignature } from '../libc/native/ffi';
import { addressOf } from '../libc/native/ffi';
import { cMemory, decodeSocklen, encodeOptionValue, encodeSocklen } from '../libc/marshal';
import { decodeRevents, encodePollFds } from '../libc/pollfd';
import { decodeSockaddr, encodeSockaddr } from '../libc/native/sockaddr';
import { ADDRESS_FAMILIES, IP_PROTOCOLS, NETLINK_PROTOCOLS, valueOf as xlatValue } from '../libc/xlat';
import type { Arg, CallKind, PollFd } from './event';
import { ArgsOf, CallName, KindValues, ParamSpec, specOf, SyscallName } from './registry';

/** What the kernel (or getaddrinfo) returned: the value, errno, and for getaddrinfo its list. */
export interface Returned extends RawResult {
  readonly entries?: readonly Addrinfo[];
}

/** What a call's answer adds to its event and to what the program gets back. */
export interface Filled {
  /** The arguments as the trace shows them after the call, the outputs filled in. */
  readonly args: Arg[];
  /** The address the kernel wrote (accept's peer, recvfrom's sender); null when it wrote none. */
  readonly addr?: SockAddr | null;
  /** poll: the entries whose revents the kernel set (empty on timeout or failure). */
  readonly ready?: readonly PollFd[];
  readonly entries?: readonly Addrinfo[];
}

/** A planned call of any name, as the recorder's one path handles it. */
export interface Planned {
  readonly name: CallName;
  readonly kind: CallKind;
  /** The arguments as passed: those the kernel fills in are still of type 'output'. */
  readonly args: readonly Arg[];
  /** The values the program gave, by parameter name. */
  readonly values: object;
  /** The C values, in the prototype's order, for the libc function. */
  readonly cValues: readonly unknown[];
  /** The descriptors it names: a call the kernel holds is held on them. */
  readonly fds: readonly number[];
  /** Reads what the kernel left in the buffers once the call has returned. */
  fill(returned: Returned): Filled;
}

export interface PlannedCall<N extends CallName> extends Planned {
  readonly name: N;
  readonly values: ArgsOf<N>;
}

/** One parameter planned: its trace arguments before and after the call, and its C values. */
interface Part {
  readonly shown: readonly Arg[];
  readonly c: readonly unknown[];
  readonly fds?: readonly number[];
  readonly filled?: (returned: Returned) => Omit<Filled, 'args'> & { readonly args: readonly Arg[] };
}

type Values = Readonly<Record<string, unknown>>;

/**
 * The buffer to pass for `bytes`: an empty Buffer reaches C as NULL, where a C program passes a real
 * pointer (`send(fd, "", 0, 0)`), and strace would print NULL rather than "": a byte of room instead,
 * with the length still 0.
 */
function addressable(bytes: Buffer): Buffer {
  return bytes.length > 0 ? bytes : cMemory(1);
}

function valueOf<K extends ParamSpec['kind']>(values: Values, param: { readonly kind: K; readonly name: string }): KindValues[K] {
  return values[param.name] as KindValues[K];
}

function intArg(name: string, value: number): Arg {
  return { name, type: 'int', value };
}

function outputArg(name: string): Arg {
  return { name, type: 'output' };
}

/** The first `length` bytes of data, as many as any renderer shows (the capture limit). */
function capture(data: Buffer, length: number, limit: number): Buffer {
  return Buffer.from(data.subarray(0, Math.min(length, limit)));
}

/** A buffer the kernel was to fill, as strace shows it after a failure: by its address. */
function pointerTo(name: string, buffer: Buffer): Arg {
  return { name, type: 'pointer', value: addressOf(buffer) };
}

/**
 * An address and its value-result length as the kernel left them, as strace prints them: a failed call
 * leaves the length as passed and the buffer shown by address; so does an address shorter than its
 * family field (recvfrom woken with no datagram).
 */
function filledAddress(name: string, length: string, addr: Buffer, socklen: Buffer, ret: number): { args: Arg[]; addr: SockAddr | null } {
  const after = ret >= 0 ? decodeSocklen(socklen) : addr.length;
  const decoded = ret >= 0 && after >= 2 ? decodeSockaddr(addr, after) : null;
  return {
    addr: decoded,
    args: [
      decoded ? { name, type: 'sockaddr', addr: decoded } : pointerTo(name, addr),
      { name: length, type: 'socklen', before: addr.length, after },
    ],
  };
}

const AF_NETLINK = xlatValue(ADDRESS_FAMILIES, 'AF_NETLINK');

/**
 * The options whose value strace 6.1 decodes as a struct (struct linger, sock_fprog, ip_mreq,
 * group_req, ipv6_mreq), by level, then optname: given a value shorter than the struct (an int),
 * it prints the value's address, not the int.
 */
const STRUCT_OPTIONS: ReadonlyMap<number, ReadonlySet<number>> = new Map([
  [1, new Set([13, 26, 51])], // SOL_SOCKET: SO_LINGER, SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF
  [0, new Set([35, 36, 42, 45])], // SOL_IP: IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, MCAST_JOIN_GROUP, MCAST_LEAVE_GROUP
  [41, new Set([20, 21, 27, 28, 42, 45])], // SOL_IPV6: IPV6_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_ANYCAST, MCAST_JOIN/LEAVE_GROUP
]);

function takesStruct(level: number, optname: number): boolean {
  return STRUCT_OPTIONS.get(level)?.has(optname) ?? false;
}

function planParam(param: ParamSpec, values: Values, captureLimit: number, siblings: readonly ParamSpec[] = []): Part {
  switch (param.kind) {
    case 'fd': {
      const fd = valueOf(values, param);
      return { shown: [{ name: param.name, type: 'fd', value: fd }], c: [fd], fds: [fd] };
    }
    case 'int':
      return { shown: [intArg(param.name, valueOf(values, param))], c: [valueOf(values, param)] };
    case 'enum':
    case 'flags': {
      const value = valueOf(values, param);
      return { shown: [{ name: param.name, type: param.kind, table: param.table, value }], c: [value] };
    }
    case 'socktype':
      return { shown: [{ name: param.name, type: 'socktype', value: valueOf(values, param) }], c: [valueOf(values, param)] };
    case 'protocol': {
      const value = valueOf(values, param);
      const domain = values[param.domain];
      // strace names the protocol by the family's own table (net.c, SYS_FUNC(socket)).
      const table = domain === AF_INET || domain === AF_INET6 ? IP_PROTOCOLS : domain === AF_NETLINK ? NETLINK_PROTOCOLS : null;
      return { shown: [table ? { name: param.name, type: 'enum', table, value } : intArg(param.name, value)], c: [value] };
    }
    case 'sockopt': {
      const value = valueOf(values, param);
      return { shown: [{ name: param.name, type: 'sockopt', level: values[param.level] as number, value }], c: [value] };
    }
    case 'sockaddrIn': {
      // As the kernel receives it: encoded, then decoded again, so it prints as strace prints it.
      const bytes = encodeSockaddr(valueOf(values, param));
      const shown: Arg[] = [{ name: param.name, type: 'sockaddr', addr: decodeSockaddr(bytes, bytes.length) }, intArg(param.length, bytes.length)];
      return { shown, c: [bytes, bytes.length] };
    }
    case 'sockaddrOut': {
      const addr = cMemory(sockaddrSize(valueOf(values, param)));
      const socklen = encodeSocklen(addr.length);
      return {
        shown: [outputArg(param.name), outputArg(param.length)],
        c: [addr, socklen],
        filled: (returned) => filledAddress(param.name, param.length, addr, socklen, returned.value),
      };
    }
    case 'dataIn': {
      const data = valueOf(values, param);
      return {
        shown: [{ name: param.name, type: 'bytes', head: capture(data, data.length, captureLimit), length: data.length }, intArg(param.length, data.length)],
        c: [addressable(data), data.length],
      };
    }
    case 'dataOut': {
      const buffer = valueOf(values, param);
      const passed = addressable(buffer);
      const size = intArg(param.length, buffer.length);
      return {
        shown: [outputArg(param.name), size],
        c: [passed, buffer.length],
        filled: ({ value }) => ({
          args: [value >= 0 ? { name: param.name, type: 'bytes', head: capture(buffer, value, captureLimit), length: value } : pointerTo(param.name, passed), size],
        }),
      };
    }
    case 'pollfds': {
      const requests = valueOf(values, param);
      const bytes = encodePollFds(requests);
      const fds = requests.map((entry) => ({ ...entry, revents: 0 }));
      return {
        shown: [{ name: param.name, type: 'pollfds', fds }, intArg(param.count, fds.length)],
        c: [bytes, fds.length],
        fds: fds.map((entry) => entry.fd),
        filled: ({ value }) => {
          const revents = decodeRevents(bytes);
          const ready = value > 0 ? fds.map((entry, i) => ({ ...entry, revents: revents[i] })).filter((entry) => entry.revents !== 0) : [];
          return { args: [{ name: param.name, type: 'pollfds', fds }, intArg(param.count, fds.length)], ready };
        },
      };
    }
    case 'optval': {
      const value = valueOf(values, param);
      const bytes = encodeOptionValue(value);
      // strace 6.1 decodes an int option's value, and shows a struct timeval's 16 bytes as a string;
      // an int given to an option whose value is a struct it decodes is shown by its address.
      const option = siblings.find((sibling) => sibling.kind === 'sockopt');
      const struct = option?.kind === 'sockopt' && takesStruct(Number(values[option.level]), Number(values[option.name]));
      const shown: Arg = struct
        ? pointerTo(param.name, bytes)
        : 'int' in value
          ? { name: param.name, type: 'intref', value: value.int }
          : { name: param.name, type: 'bytes', head: capture(bytes, bytes.length, captureLimit), length: bytes.length };
      return { shown: [shown, intArg(param.length, bytes.length)], c: [bytes, bytes.length] };
    }
    case 'text':
    case 'service':
      return { shown: [{ name: param.name, type: 'string', value: valueOf(values, param) }], c: [valueOf(values, param)] };
    case 'hints':
      return { shown: [{ name: param.name, type: 'hints', hints: valueOf(values, param) }], c: [valueOf(values, param)] };
    case 'addrinfoOut':
      return {
        shown: [outputArg(param.name)],
        c: [],
        filled: ({ entries = [] }) => ({ args: [{ name: param.name, type: 'addrinfo', entries }], entries }),
      };
  }
}

/**
 * Plans call `name` with `values` (by parameter name): its C values and its trace arguments.
 * Data arguments keep at most `captureLimit` bytes for the trace. Encoding an address uses libc's
 * inet_pton; throws if an address is not one of its family.
 */
export function planCall<N extends CallName>(name: N, values: ArgsOf<N>, captureLimit: number): PlannedCall<N> {
  const spec = specOf(name);
  // One pass, no intermediate arrays: a call thread plans every call of a loop on its critical path.
  const parts: Part[] = [];
  const args: Arg[] = [];
  const cValues: unknown[] = [];
  const fds: number[] = [];
  for (const param of spec.params) {
    const part = planParam(param, values as Values, captureLimit, spec.params);
    parts.push(part);
    for (const arg of part.shown) args.push(arg);
    for (const value of part.c) cValues.push(value);
    if (part.fds) for (const fd of part.fds) fds.push(fd);
  }
  return {
    name,
    kind: spec.kind,
    values,
    args,
    cValues,
    fds,
    fill: (returned) => {
      const filled: { args: Arg[]; addr?: SockAddr | null; ready?: readonly PollFd[]; entries?: readonly Addrinfo[] } = { args: [] };
      for (const part of parts) {
        const { args, ...extra } = part.filled ? part.filled(returned) : { args: part.shown };
        filled.args.push(...args);
        Object.assign(filled, extra);
      }
      return filled;
    },
  };
}

function cTypes(param: ParamSpec): readonly CType[] {
  switch (param.kind) {
    case 'sockaddrIn':
    case 'optval':
      return ['u8array', 'u32'];
    case 'sockaddrOut':
      return ['u8array', 'u8array'];
    case 'dataIn':
    case 'dataOut':
    case 'pollfds':
      return ['u8array', 'u64'];
    case 'text':
    case 'service':
    case 'hints':
    case 'addrinfoOut':
      throw new Error(`a ${param.kind} parameter is not passed to a system call`);
    default:
      return ['i32'];
  }
}

/** How ffi-rs calls glibc's wrapper of system call `name`, from its registry entry. */
export function signatureOf(name: SyscallName): SyscallSignature {
  const spec = specOf(name);
  if (spec.kind !== 'syscall') throw new Error(`${name} is not a system call`);
  return { func: name, returns: spec.returns === 'int' ? 'i32' : 'i64', params: spec.params.flatMap(cTypes) };
}

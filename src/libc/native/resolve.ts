// Name resolution with getaddrinfo(3). struct addrinfo is read from its real layout
// (x86_64: 48 bytes) by copying it out of libc's memory with memcpy.
import type { Addrinfo, AddrinfoHints } from '../results';
import { freeaddrinfo, getaddrinfo, readMemory } from './ffi';
import { isInet } from '../addresses';
import { decodeSockaddr } from './sockaddr';

const ADDRINFO_SIZE = 48;
const AI_FLAGS = 0;
const AI_FAMILY = 4;
const AI_SOCKTYPE = 8;
const AI_PROTOCOL = 12;
const AI_ADDRLEN = 16;
const AI_ADDR = 24;
const AI_NEXT = 40;



export interface ResolveOutcome {
  /** 0, or an EAI_* code. */
  readonly status: number;
  readonly entries: readonly Addrinfo[];
}

function encodeHints(hints: AddrinfoHints): Buffer {
  const bytes = Buffer.alloc(ADDRINFO_SIZE);
  bytes.writeInt32LE(hints.flags, AI_FLAGS);
  bytes.writeInt32LE(hints.family, AI_FAMILY);
  bytes.writeInt32LE(hints.socktype, AI_SOCKTYPE);
  bytes.writeInt32LE(hints.protocol, AI_PROTOCOL);
  return bytes;
}

function readList(first: bigint): Addrinfo[] {
  const entries: Addrinfo[] = [];
  for (let at = first; at !== 0n; ) {
    const node = readMemory(at, ADDRINFO_SIZE);
    const addrlen = node.readUInt32LE(AI_ADDRLEN);
    const addr = decodeSockaddr(readMemory(node.readBigUInt64LE(AI_ADDR), addrlen), addrlen);
    if (isInet(addr)) {
      entries.push({
        family: node.readInt32LE(AI_FAMILY),
        socktype: node.readInt32LE(AI_SOCKTYPE),
        protocol: node.readInt32LE(AI_PROTOCOL),
        addr,
        addrlen,
      });
    }
    at = node.readBigUInt64LE(AI_NEXT);
  }
  return entries;
}

export async function resolve(node: string, service: string, hints: AddrinfoHints): Promise<ResolveOutcome> {
  const head = Buffer.alloc(8);
  const status = await getaddrinfo(node, service, encodeHints(hints), head);
  if (status !== 0) return { status, entries: [] };
  const first = head.readBigUInt64LE(0);
  try {
    return { status, entries: readList(first) };
  } finally {
    freeaddrinfo(first);
  }
}

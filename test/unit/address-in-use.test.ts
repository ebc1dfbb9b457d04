// The note under a bind that failed with EADDRINUSE, from what the kernel's tables held on the port.
// The rules are those checked on Linux with two Python servers (see src/programs/address-in-use.ts).
import type { InetSockAddr } from '../../src/libc/addresses';
import type { DiagSocket } from '../../src/libc/native/sockdiag';
import { tcpAddressInUseNote, udpAddressInUseNote } from '../../src/programs/address-in-use';

const at = (address: string, port: number): InetSockAddr => ({ family: address.includes(':') ? 10 : 2, address, port, flowinfo: 0, scopeId: 0 });
const LISTEN = 10;
const TIME_WAIT = 6;
const FIN_WAIT2 = 5;
const socket = (state: number, local: InetSockAddr, peer: InetSockAddr | null = null): DiagSocket => ({ inode: 0, state, endpoints: { local, peer }, receiveQueue: 0, sendQueue: 0 });
const wanted = at('127.0.0.1', 8080);

describe('EADDRINUSE, told from the kernel\'s tables', () => {
  it('a listener on the port: no SO_REUSEADDR helps, with or without --reuseaddr', () => {
    for (const reuseaddr of [false, true]) {
      const note = tcpAddressInUseNote(wanted, [socket(LISTEN, at('127.0.0.1', 8080))], reuseaddr);
      expect(note).toMatch(/^a socket is listening on port 8080 \(ss -tanp 'sport = :8080' names its process\)/);
      expect(note).toMatch(/SO_REUSEADDR never lets a socket bind where another listens$/);
    }
  });

  it('a listener on the wildcard address stands in the way of 127.0.0.1 too; one on another address does not', () => {
    expect(tcpAddressInUseNote(wanted, [socket(LISTEN, at('::', 8080))], false)).toMatch(/^a socket is listening/);
    expect(tcpAddressInUseNote(wanted, [socket(LISTEN, at('127.0.0.2', 8080))], false)).toMatch(/^no socket on port 8080 is in the kernel's tables now/);
  });

  it('only connections left behind, without --reuseaddr: it would help only if their socket had set SO_REUSEADDR too', () => {
    const note = tcpAddressInUseNote(wanted, [socket(TIME_WAIT, wanted, at('127.0.0.1', 5)), socket(FIN_WAIT2, wanted, at('127.0.0.1', 6))], false);
    expect(note).toBe(
      "no socket listens on port 8080, but sockets that do not listen hold it (1 in TIME_WAIT, 1 in FIN_WAIT2; ss -tanp 'sport = :8080'); TIME_WAIT lasts 60 s on Linux. " +
        '--reuseaddr would bind over them only if the socket each came from had set SO_REUSEADDR too (a server started with --reuseaddr)',
    );
  });

  it('only connections left behind, with --reuseaddr: never advises it again, says why it did not help', () => {
    const note = tcpAddressInUseNote(wanted, [socket(TIME_WAIT, wanted, at('127.0.0.1', 5))], true);
    expect(note).toMatch(/This socket set SO_REUSEADDR, but Linux binds over them only when the socket each came from had set it too, and one had not/);
    expect(note).not.toMatch(/--reuseaddr (lets|would)/);
  });

  it('a socket only bound (CLOSE in the tables) is named as such; the same rule holds for it', () => {
    expect(tcpAddressInUseNote(wanted, [socket(7, wanted)], false)).toMatch(/^no socket listens on port 8080, but sockets that do not listen hold it \(1 only bound \(CLOSE\), which older ss versions do not list; /);
  });

  it('UDP: both sockets must set SO_REUSEADDR', () => {
    expect(udpAddressInUseNote(53, true)).toMatch(/only when both set it, and that one did not$/);
    expect(udpAddressInUseNote(53, false)).toMatch(/only when both set it$/);
  });
});

# The reference programs for the round-trip figure: a one-byte echo server and a client that makes
# N request/response round trips, as small as Python's socket module allows; a client that relays its
# standard input and output to the socket, as `netsys client` does; and a driver that makes the round
# trips through such a relay's standard input and output.
# Usage: peers.py server            (prints its port, echoes one connection)
#        peers.py client PORT N     (prints the seconds N round trips took)
#        peers.py relay PORT        (as netsys client: standard input to the socket, the echo to standard output)
#        peers.py drive N CMD...    (runs CMD, N round trips through its stdin/stdout; prints seconds)
#        peers.py timed PORT FILE   (as netsys client -T -ttt -m hi: each call timed by itself, the lines in FILE)
# Each times its N round trips after one round trip made first, so that start-up and connect are not counted.
import os, socket, subprocess, sys, time

mode = sys.argv[1]
if mode == "server":
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    while True:
        byte = conn.recv(1)
        if not byte:
            break
        conn.send(byte)
    conn.close()
elif mode == "client":
    port, count = int(sys.argv[2]), int(sys.argv[3])
    sock = socket.create_connection(("127.0.0.1", port))
    sock.send(b"x")
    sock.recv(1)
    started = time.perf_counter()
    for _ in range(count):
        sock.send(b"x")
        if sock.recv(1) != b"x":
            raise SystemExit("lost the echo")
    print(time.perf_counter() - started, flush=True)
    sock.close()
elif mode == "relay":
    sock = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
    while data := os.read(0, 65536):
        sock.sendall(data)
        pending = len(data)
        while pending:
            reply = sock.recv(65536)
            if not reply:
                raise SystemExit("the server closed early")
            os.write(1, reply)
            pending -= len(reply)
    sock.close()
elif mode == "drive":
    count, command = int(sys.argv[2]), sys.argv[3:]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    child.stdin.write(b"x")  # one round trip first, so that start-up and connect are not counted
    if child.stdout.read(1) != b"x":
        raise SystemExit("lost the echo")
    started = time.perf_counter()
    for _ in range(count):
        child.stdin.write(b"x")
        if child.stdout.read(1) != b"x":
            raise SystemExit("lost the echo")
    elapsed = time.perf_counter() - started
    child.stdin.close()
    child.wait()
    print(elapsed, flush=True)
elif mode == "timed":
    # Each call timed by the program itself, right around it, as netsys times its calls: what a program
    # sees of its own calls under strace, beside strace's figures (-ttt stamp, then <seconds> as -T).
    lines = []
    def timed(name, first, call):
        stamp = time.time()
        began = time.perf_counter()
        result = call()
        lines.append(f"{stamp:.6f} {name}({first}, ...) <{time.perf_counter() - began:.6f}>")
        return result
    sock = timed("socket", "AF_INET", lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
    fd = sock.fileno()
    timed("connect", fd, lambda: sock.connect(("127.0.0.1", int(sys.argv[2]))))
    timed("getsockname", fd, sock.getsockname)
    timed("sendto", fd, lambda: sock.send(b"hi\n"))
    timed("shutdown", fd, lambda: sock.shutdown(socket.SHUT_WR))
    while timed("recvfrom", fd, lambda: sock.recv(262144)):
        pass
    sock.close()
    with open(sys.argv[3], "w") as out:
        out.write("\n".join(lines) + "\n")

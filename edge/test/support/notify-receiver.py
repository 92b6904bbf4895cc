# A stand-in for systemd's notification socket (sd_notify(3)): binds an AF_UNIX datagram socket, which
# Node cannot, and prints each message as one JSON line. It answers systemd-notify's barrier the way
# systemd does, by closing the file descriptor that comes with BARRIER=1, so the real systemd-notify
# returns. Used by edge/test/systemd-notify.test.ts.
import array
import json
import os
import socket
import sys

sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
print(json.dumps({"listening": sys.argv[1]}), flush=True)
while True:
    data, ancillary, _flags, _addr = sock.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    fds = array.array("i")
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
    print(json.dumps({"message": data.decode(), "fds": len(fds)}), flush=True)
    for fd in fds:
        os.close(fd)

"""A fake Android phone on 127.0.0.1 that speaks the device side of the adb transport protocol.

The real ``adb`` client reaches it with ``adb connect 127.0.0.1:PORT`` and then runs
``adb -s 127.0.0.1:PORT shell <command>``; the fake answers each command with recorded text.

Protocol (adb's protocol.txt / adb.h): every message is a 24-byte little-endian header
``command, arg0, arg1, data_length, data_crc32, magic`` followed by ``data_length`` bytes of payload.
``data_crc32`` is the byte sum of the payload (adb >= 0x01000001 does not check it), ``magic`` is
``command ^ 0xffffffff``.

Like every phone since Android 7, the fake advertises ``shell_v2``: adb then opens ``shell,v2,raw:CMD``
and the phone frames what it sends as shell-protocol packets (adb's shell_protocol.h): a 1-byte id
(1 stdout, 2 stderr, 3 exit) and a 4-byte little-endian length, then the data. The exit packet carries
the command's exit code, which ``adb shell`` returns as its own; stderr reaches adb's stderr.
With ``shell_v2=False`` (an Android 6 or older phone) adb uses the plain ``shell:`` service: stdout and
stderr arrive mixed and raw, the end of the output is the stream's CLSE, and adb always exits 0.
"""

from __future__ import annotations

import os
import selectors
import socket
import struct
import threading
from collections import deque
from dataclasses import dataclass, field

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_STLS = 0x534C5453

A_VERSION = 0x01000001
MAX_PAYLOAD = 256 * 1024

AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3

HEADER = struct.Struct("<6I")
#: A shell-protocol packet header: id, length.
SHELL_HEADER = struct.Struct("<BI")
SHELL_STDOUT, SHELL_STDERR, SHELL_EXIT = 1, 2, 3
#: Refuse payloads bigger than this (adb itself never sends more than 1 MiB); such a peer is dropped.
_PAYLOAD_LIMIT = 16 * 1024 * 1024


def packet(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    """One adb message: header plus payload."""
    return HEADER.pack(command, arg0, arg1, len(data), sum(data) & 0xFFFFFFFF, command ^ 0xFFFFFFFF) + data


def shell_packet(kind: int, data: bytes) -> bytes:
    return SHELL_HEADER.pack(kind, len(data)) + data


def not_found(command: str) -> str:
    """What a phone's shell prints for an unknown command (the first word of it)."""
    word = command.split()[0] if command.split() else command
    return f"/system/bin/sh: {word}: inaccessible or not found\n"


@dataclass(frozen=True)
class Reply:
    """What a shell command does on the phone: its stdout, its stderr and its exit code."""

    stdout: str
    stderr: str = ""
    code: int = 0


@dataclass
class _Stream:
    remote_id: int
    chunks: deque[bytes]
    closed: bool = False


@dataclass
class _Conn:
    sock: socket.socket
    buf: bytearray = field(default_factory=bytearray)
    max_payload: int = MAX_PAYLOAD
    online: bool = False
    next_id: int = 1
    streams: dict[int, _Stream] = field(default_factory=dict)


class FakePhone:
    """A fake Android device on 127.0.0.1 speaking the adb transport protocol (device side).

    ``outputs`` maps the exact shell command string (as adb sends it after ``shell:``; adb joins the
    words of ``adb shell a b c`` with single spaces and quotes nothing) to its stdout text. An unknown
    command answers ``/system/bin/sh: <word>: inaccessible or not found``.

    ``authorised=False`` makes a phone whose "Allow USB debugging?" prompt is never accepted: it answers
    the host's CNXN with AUTH tokens only, so adb lists it as ``unauthorized`` and refuses ``shell``.

    ``allow_after`` (with ``authorised=False``): the person taps Allow that many seconds after the prompt
    shows (when the host sends its public key); the phone then answers with CNXN, as a real one does.
    ``delay``: seconds the phone takes before answering each shell command (a slow phone, for tests that
    act while a scan is under way).

    A value in ``outputs`` may also be a ``Reply(stdout, stderr, code)``: a command that fails or says
    something on stderr (an unknown command fails with 127 and the shell's "not found").
    ``shell_v2=False`` makes an old phone without the shell protocol (see the module's doc).

    ``banner_state`` is the first word of the device's CNXN banner: ``device``, ``recovery``,
    ``sideload``, ``bootloader`` (adb shows it in ``adb devices``).
    """

    def __init__(
        self,
        outputs: dict[str, str | Reply],
        *,
        authorised: bool = True,
        model: str = "Pixel 7",
        banner_state: str = "device",
        product: str = "fakeproduct",
        device: str = "fakedevice",
        allow_after: float | None = None,
        delay: float = 0.0,
        shell_v2: bool = True,
    ):
        self.outputs = dict(outputs)
        self.shell_v2 = shell_v2
        self.authorised = authorised
        self.allow_after = allow_after
        self.delay = delay
        #: How many times the host offered a key the phone did not know (each shows the Allow prompt).
        self.prompts = 0
        self.model = model
        self.banner_state = banner_state
        self.product = product
        self.device = device
        #: Every shell command received (``shell:`` and ``exec:`` services), in order.
        self.commands: list[str] = []
        #: Every service the host opened (``shell:ls``, ``sync:``, ...), in order.
        self.services: list[str] = []
        #: How many transport connections the host made.
        self.connections = 0
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._wake_r: socket.socket | None = None
        self._wake_w: socket.socket | None = None
        self._conns: dict[socket.socket, _Conn] = {}
        self._port = 0

    # -- public API ---------------------------------------------------------------------------------

    def start(self) -> FakePhone:
        if self._thread is not None:
            raise RuntimeError("FakePhone already started")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.setblocking(False)
        self._listener = listener
        self._port = listener.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"FakePhone:{self._port}", daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return self._port

    @property
    def serial(self) -> str:
        return f"127.0.0.1:{self._port}"

    def stop(self) -> None:
        """Close the listener and every connection, and join the serving thread."""
        if self._thread is None:
            return
        self._stopping.set()
        try:
            assert self._wake_w is not None
            self._wake_w.send(b"x")
        except OSError:
            pass
        self._thread.join(timeout=10)
        self._thread = None
        for s in (self._wake_r, self._wake_w):
            if s is not None:
                s.close()
        self._wake_r = self._wake_w = None

    def __enter__(self) -> FakePhone:
        return self if self._thread is not None else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def answer(self, command: str) -> Reply:
        """What the phone's shell does with ``command``."""
        reply = self.outputs.get(command)
        if reply is None:
            return Reply("", not_found(command), 127)
        return Reply(reply) if isinstance(reply, str) else reply

    # -- serving thread -----------------------------------------------------------------------------

    def _serve(self) -> None:
        sel = selectors.DefaultSelector()
        try:
            assert self._listener is not None and self._wake_r is not None
            sel.register(self._listener, selectors.EVENT_READ, "listener")
            sel.register(self._wake_r, selectors.EVENT_READ, "wake")
            while not self._stopping.is_set():
                for key, _ in sel.select(timeout=0.5):
                    if self._stopping.is_set():
                        break
                    if key.data == "listener":
                        self._accept(sel)
                    elif key.data == "wake":
                        try:
                            self._wake_r.recv(64)
                        except OSError:
                            pass
                    else:
                        self._readable(sel, key.fileobj)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - never let a traceback out of the thread
            pass
        finally:
            for sock in list(self._conns):
                self._drop(sel, sock)
            try:
                sel.close()
            except Exception:  # noqa: BLE001
                pass
            if self._listener is not None:
                self._listener.close()
                self._listener = None

    def _accept(self, sel: selectors.BaseSelector) -> None:
        assert self._listener is not None
        try:
            sock, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        sock.setblocking(True)
        sock.settimeout(5.0)  # only bounds sendall(); reads happen when the selector says so
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._conns[sock] = _Conn(sock)
        self.connections += 1
        sel.register(sock, selectors.EVENT_READ, "conn")

    def _drop(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        self._conns.pop(sock, None)
        try:
            sel.unregister(sock)
        except (KeyError, ValueError, OSError):
            pass
        try:
            sock.close()
        except OSError:
            pass

    def _readable(self, sel: selectors.BaseSelector, sock: socket.socket) -> None:
        conn = self._conns.get(sock)
        if conn is None:
            return
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError, socket.timeout):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(sel, sock)
            return
        conn.buf += data
        try:
            while len(conn.buf) >= HEADER.size:
                command, arg0, arg1, length, _check, magic = HEADER.unpack_from(conn.buf)
                if magic != command ^ 0xFFFFFFFF or length > _PAYLOAD_LIMIT:
                    raise ConnectionError("garbage from the host")
                if len(conn.buf) < HEADER.size + length:
                    break
                payload = bytes(conn.buf[HEADER.size : HEADER.size + length])
                del conn.buf[: HEADER.size + length]
                self._handle(conn, command, arg0, arg1, payload)
        except Exception:  # noqa: BLE001 - a broken connection is dropped, the phone keeps serving
            self._drop(sel, sock)

    def _send(self, conn: _Conn, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        conn.sock.sendall(packet(command, arg0, arg1, data))

    def _banner(self) -> bytes:
        props = f"ro.product.name={self.product};ro.product.model={self.model};ro.product.device={self.device};"
        features = "shell_v2,cmd" if self.shell_v2 else "cmd"
        return f"{self.banner_state}::{props}features={features}".encode()

    def _handle(self, conn: _Conn, command: int, arg0: int, arg1: int, payload: bytes) -> None:
        if command == A_CNXN:
            conn.max_payload = max(1, min(arg1 or MAX_PAYLOAD, MAX_PAYLOAD))
            conn.streams.clear()
            if self.authorised:
                conn.online = True
                self._send(conn, A_CNXN, A_VERSION, MAX_PAYLOAD, self._banner())
            else:
                self._send(conn, A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
        elif command == A_AUTH:
            # A real phone answers a wrong signature with a fresh token and shows the "Allow USB
            # debugging?" prompt on a public key; this one never says yes.
            if not self.authorised and arg0 == AUTH_SIGNATURE:
                self._send(conn, A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
            elif not self.authorised and arg0 == AUTH_RSAPUBLICKEY:
                self.prompts += 1
                if self.allow_after is not None:
                    threading.Timer(self.allow_after, self._allow, (conn,)).start()
        elif not conn.online:
            return  # nothing but the handshake before CNXN
        elif command == A_OPEN:
            self._open(conn, arg0, payload)
        elif command == A_OKAY:
            stream = conn.streams.get(arg1)
            if stream is not None:
                stream.remote_id = arg0
                self._pump(conn, arg1, stream)
        elif command == A_WRTE:
            # Data from the host (stdin of ``adb shell``): acknowledge it and throw it away.
            stream = conn.streams.get(arg1)
            if stream is not None and not stream.closed:
                self._send(conn, A_OKAY, arg1, arg0)
        elif command == A_CLSE:
            conn.streams.pop(arg1, None)
        # A_SYNC, A_STLS and anything unknown: ignored.

    def _allow(self, conn: _Conn) -> None:
        """The person tapped Allow: the phone accepts the key and connects."""
        self.authorised = True
        conn.online = True
        try:
            self._send(conn, A_CNXN, A_VERSION, MAX_PAYLOAD, self._banner())
        except OSError:
            pass

    def _open(self, conn: _Conn, remote_id: int, payload: bytes) -> None:
        service = payload.split(b"\0", 1)[0].decode("utf-8", "replace")
        self.services.append(service)
        head, _, cmd = service.partition(":")
        kind, *options = head.split(",")  # "shell,v2,raw:cmd" with shell_v2, "shell:cmd" without
        if kind not in ("shell", "exec") or not cmd or remote_id == 0:
            # Unknown service (sync:, reverse:, framebuffer:, an interactive shell, ...): refuse it the
            # way adbd does, with CLSE(0, remote_id).
            self._send(conn, A_CLSE, 0, remote_id)
            return
        self.commands.append(cmd)
        if self.delay:
            self._stopping.wait(self.delay)
        reply = self.answer(cmd)
        out, err, code = reply.stdout.encode(), reply.stderr.encode(), reply.code
        if kind == "shell" and "v2" in options:
            size = max(1, conn.max_payload - SHELL_HEADER.size)
            chunks = deque(
                shell_packet(which, data[i : i + size])
                for which, data in ((SHELL_STDOUT, out), (SHELL_STDERR, err))
                for i in range(0, len(data), size)
            )
            chunks.append(shell_packet(SHELL_EXIT, bytes([code & 0xFF])))
        else:  # raw: stdout and stderr mixed, no exit code
            data = out + err
            size = conn.max_payload
            chunks = deque(data[i : i + size] for i in range(0, len(data), size))
        my_id = conn.next_id
        conn.next_id += 1
        stream = _Stream(remote_id, chunks)
        conn.streams[my_id] = stream
        self._send(conn, A_OKAY, my_id, remote_id)
        self._pump(conn, my_id, stream)

    def _pump(self, conn: _Conn, my_id: int, stream: _Stream) -> None:
        """Send the next chunk of output (the host's OKAY asks for it), or CLSE once all is sent."""
        if stream.closed:
            return
        if stream.chunks:
            self._send(conn, A_WRTE, my_id, stream.remote_id, stream.chunks.popleft())
        else:
            stream.closed = True
            self._send(conn, A_CLSE, my_id, stream.remote_id)

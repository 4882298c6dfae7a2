"""A tiny HTTP/2 (h2c, prior knowledge) client on a raw socket, for requests real clients
refuse to send: libnghttp2-based clients (curl, nghttp) will not emit a header block
larger than 64 KiB, so a test of the server's own header-list limit must build the
frames itself.

Requests are encoded as HPACK "literal header field without indexing — new name" with
raw (non-Huffman) strings, split over HEADERS + CONTINUATION frames. Responses are read
frame by frame; only the `:status` of a response header block is decoded (it is the
first field of the block, RFC 9113 §8.3), which needs just the static table's :status
entries and the Huffman codes of the digits.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = 0x0, 0x1, 0x3, 0x4, 0x6, 0x7, 0x8, 0x9
END_STREAM, ACK, END_HEADERS = 0x1, 0x1, 0x4

SETTINGS_MAX_HEADER_LIST_SIZE = 0x6
ERROR_CODES = {0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
               0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM", 0x8: "CANCEL",
               0x9: "COMPRESSION_ERROR", 0xb: "ENHANCE_YOUR_CALM"}

# HPACK static table entries 8..14 are ":status" with these values (RFC 7541 Appendix A).
_STATIC_STATUS = {8: "200", 9: "204", 10: "206", 11: "304", 12: "400", 13: "404", 14: "500"}
# Huffman codes (RFC 7541 Appendix B) of the digits: enough to decode any status value.
_HUFFMAN_DIGITS = {"00000": "0", "00001": "1", "00010": "2", "011001": "3", "011010": "4", "011011": "5",
                   "011100": "6", "011101": "7", "011110": "8", "011111": "9"}


def _integer(value: int, prefix_bits: int, first_byte_flags: int = 0) -> bytes:
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first_byte_flags | value])
    out = bytearray([first_byte_flags | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _string(data: bytes) -> bytes:
    return _integer(len(data), 7) + data  # H bit clear: raw octets


def encode_headers(fields: list[tuple[str, str]]) -> bytes:
    """HPACK block: every field a literal without indexing, new name, raw strings."""
    block = bytearray()
    for name, value in fields:
        block += b"\x00" + _string(name.encode()) + _string(value.encode())
    return bytes(block)


def _decode_integer(block: bytes, pos: int, prefix_bits: int) -> tuple[int, int]:
    limit = (1 << prefix_bits) - 1
    value = block[pos] & limit
    pos += 1
    if value < limit:
        return value, pos
    shift = 0
    while True:
        byte = block[pos]
        pos += 1
        value += (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _huffman_digits(data: bytes) -> str:
    bits = "".join(f"{b:08b}" for b in data)
    out, code = "", ""
    for bit in bits:
        code += bit
        if code in _HUFFMAN_DIGITS:
            out += _HUFFMAN_DIGITS[code]
            code = ""
    if len(code) >= 8 or code.strip("1"):
        raise ValueError(f"not a Huffman-coded status: {data.hex()}")
    return out


def decode_status(block: bytes) -> str:
    """The :status of a response header block (its first representation)."""
    first = block[0]
    if first & 0x80:  # indexed field
        index, _ = _decode_integer(block, 0, 7)
        if index not in _STATIC_STATUS:
            raise ValueError(f"first field is not a static :status (index {index}): {block[:16].hex()}")
        return _STATIC_STATUS[index]
    prefix = 6 if first & 0x40 else 4  # with incremental indexing, or without/never indexed
    index, pos = _decode_integer(block, 0, prefix)
    if index not in _STATIC_STATUS:
        raise ValueError(f"first field is not :status (name index {index}): {block[:16].hex()}")
    huffman = bool(block[pos] & 0x80)
    length, pos = _decode_integer(block, pos, 7)
    value = block[pos:pos + length]
    return _huffman_digits(value) if huffman else value.decode()


@dataclass
class Frame:
    type: int
    flags: int
    stream: int
    payload: bytes


@dataclass
class Connection:
    """One h2c connection: the preface and an empty SETTINGS are sent on open.
    With `answer_control` the server's SETTINGS are ACKed and PINGs answered."""

    sock: socket.socket
    answer_control: bool = True
    buffer: bytes = b""
    server_settings: dict[int, int] = field(default_factory=dict)
    frames: list[Frame] = field(default_factory=list)

    @classmethod
    def open(cls, port: int, timeout: float = 10.0) -> "Connection":
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        conn = cls(sock)
        conn.send_raw(PREFACE + frame(SETTINGS, 0, 0, b""))
        return conn

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send_request(self, stream: int, fields: list[tuple[str, str]], max_frame: int = 16384, end_stream: bool = True):
        """HEADERS (+ CONTINUATION…), with END_STREAM unless a body follows (`send_data`)."""
        block = encode_headers(fields)
        chunks = [block[i:i + max_frame] for i in range(0, len(block), max_frame)] or [b""]
        out = bytearray()
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            if i == 0:
                out += frame(HEADERS, (END_STREAM if end_stream else 0) | (END_HEADERS if last else 0), stream, chunk)
            else:
                out += frame(CONTINUATION, END_HEADERS if last else 0, stream, chunk)
        self.send_raw(bytes(out))

    def send_data(self, stream: int, data: bytes, end_stream: bool = False, max_frame: int = 16384):
        """Body bytes as DATA frames (within the peer's windows: the caller keeps count)."""
        chunks = [data[i:i + max_frame] for i in range(0, len(data), max_frame)] or [b""]
        out = bytearray()
        for i, chunk in enumerate(chunks):
            out += frame(DATA, END_STREAM if end_stream and i == len(chunks) - 1 else 0, stream, chunk)
        self.send_raw(bytes(out))

    def read_frame(self) -> Frame | None:
        """The next frame, or None at EOF. SETTINGS are recorded and ACKed, PINGs answered."""
        while True:
            if len(self.buffer) >= 9:
                length = int.from_bytes(self.buffer[:3], "big")
                if len(self.buffer) >= 9 + length:
                    ftype, flags = self.buffer[3], self.buffer[4]
                    stream = int.from_bytes(self.buffer[5:9], "big") & 0x7FFFFFFF
                    payload = self.buffer[9:9 + length]
                    self.buffer = self.buffer[9 + length:]
                    got = Frame(ftype, flags, stream, payload)
                    self.frames.append(got)
                    if ftype == SETTINGS and not flags & ACK:
                        for i in range(0, len(payload), 6):
                            ident, value = struct.unpack(">HI", payload[i:i + 6])
                            self.server_settings[ident] = value
                        if self.answer_control:
                            self.send_raw(frame(SETTINGS, ACK, 0, b""))
                    elif ftype == PING and not flags & ACK and self.answer_control:
                        self.send_raw(frame(PING, ACK, 0, payload))
                    return got
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return None
            self.buffer += chunk

    def response(self, stream: int) -> "Response":
        """Reads until `stream` ends (END_STREAM or RST_STREAM), a GOAWAY, or EOF."""
        result = Response(stream)
        block = b""
        while True:
            got = self.read_frame()
            if got is None:
                result.eof = True
                return result
            if got.type == GOAWAY:
                result.goaway = goaway_error(got)
                return result
            if got.stream != stream:
                continue
            if got.type in (HEADERS, CONTINUATION):
                block += got.payload
                if got.flags & END_HEADERS:
                    if result.status is None:
                        result.status = decode_status(block)
                    block = b""
            elif got.type == DATA:
                result.body += got.payload
            elif got.type == RST_STREAM:
                result.reset = ERROR_CODES.get(int.from_bytes(got.payload[:4], "big"), got.payload.hex())
                return result
            if got.type in (HEADERS, DATA) and got.flags & END_STREAM:
                return result


@dataclass
class Response:
    stream: int
    status: str | None = None
    body: bytes = b""
    reset: str | None = None
    goaway: str | None = None
    eof: bool = False


def goaway_error(got: Frame) -> str:
    """The error code name of a GOAWAY frame."""
    code = int.from_bytes(got.payload[4:8], "big")
    return ERROR_CODES.get(code, hex(code))


def frame(ftype: int, flags: int, stream: int, payload: bytes) -> bytes:
    return len(payload).to_bytes(3, "big") + bytes([ftype, flags]) + stream.to_bytes(4, "big") + payload


def request_fields(port: int, path: str, extra: list[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    return [(":method", "GET"), (":scheme", "http"), (":authority", f"127.0.0.1:{port}"), (":path", path),
            *extra]

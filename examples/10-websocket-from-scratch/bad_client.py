"""一个故意违反 WebSocket 协议的客户端，用来看服务端怎么用关闭码拒绝它。

    python3 bad_client.py unmasked   发一个没加掩码的文本帧 → 服务端应该回 1002（协议错误）
    python3 bad_client.py big        发一条 100 000 字节的消息 → 服务端应该回 1009（消息太大）

握手是正常的：随机生成 Sec-WebSocket-Key，并检查服务端回的 Sec-WebSocket-Accept 对不对。
"""
import base64
import hashlib
import os
import socket
import struct
import sys

HOST, PORT = "127.0.0.1", 2333
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MODES = ("unmasked", "big")


def read_exact(rfile, n):
    data = rfile.read(n)
    if len(data) < n:
        raise EOFError
    return data


def frame(opcode, payload, mask_key=None):
    """组一个 FIN=1 的帧。给了 4 字节的 mask_key 就加掩码（MASK=1），不给就是 MASK=0"""
    n = len(payload)
    mask_bit = 0x80 if mask_key else 0
    if n < 126:
        header = bytes([0x80 | opcode, mask_bit | n])
    elif n < 1 << 16:
        header = bytes([0x80 | opcode, mask_bit | 126]) + struct.pack("!H", n)
    else:
        header = bytes([0x80 | opcode, mask_bit | 127]) + struct.pack("!Q", n)
    if mask_key:
        header += mask_key
        payload = bytes(b ^ mask_key[i % 4] for i, b in enumerate(payload))
    return header + payload


def main(mode):
    with socket.create_connection((HOST, PORT)) as sock:
        rfile = sock.makefile("rb")
        # 1、握手：Sec-WebSocket-Key 是 16 个随机字节的 base64
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        request = (
            "GET / HTTP/1.1\r\n"
            f"Host: {HOST}:{PORT}\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n"
            "\r\n"
        )
        sock.sendall(request.encode("ascii"))
        status = rfile.readline().decode("latin-1").rstrip("\r\n")
        print(f"握手响应: {status}", flush=True)
        accept = None
        while (line := rfile.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "sec-websocket-accept":
                accept = value.strip()
        expected = base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")
        print(f"Sec-WebSocket-Accept: {accept}（{'正确' if accept == expected else '不对，应该是 ' + expected}）", flush=True)
        if not status.startswith("HTTP/1.1 101"):
            return

        # 2、故意违反协议
        if mode == "unmasked":
            data = frame(0x1, b"hello")
            print(f"发一个没加掩码的文本帧 'hello'（MASK=0）: {data.hex(' ')}", flush=True)
        else:
            data = frame(0x1, b"x" * 100_000, os.urandom(4))
            print(f"发一条 100000 字节的文本消息，帧头 {data[:14].hex(' ')}", flush=True)
        try:
            sock.sendall(data)
        except ConnectionError as err:
            print(f"发送没能完成: {err}", flush=True)

        # 3、看服务端回了什么
        try:
            while True:
                b0, b1 = read_exact(rfile, 2)
                opcode, length = b0 & 0x0F, b1 & 0x7F
                if length == 126:
                    length = struct.unpack("!H", read_exact(rfile, 2))[0]
                elif length == 127:
                    length = struct.unpack("!Q", read_exact(rfile, 8))[0]
                payload = read_exact(rfile, length)
                if opcode == 0x8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    reason = payload[2:].decode("utf-8", errors="replace")
                    print(f"收到关闭帧: 关闭码 {code} 原因 {reason!r}", flush=True)
                else:
                    print(f"收到帧: opcode=0x{opcode:X} 长度={length}", flush=True)
        except EOFError:
            print("服务端关闭了 TCP 连接", flush=True)
        except ConnectionError as err:
            print(f"连接出错: {err}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in MODES:
        sys.exit(f"用法: python3 bad_client.py {'|'.join(MODES)}")
    main(sys.argv[1])

"""只用标准库写的 WebSocket 回声服务端（RFC 6455）。

- 普通 HTTP 请求得到 426 Upgrade Required，连接保持，可以接着发下一个请求（HTTP/1.1 默认是长连接）
- WebSocket 握手得到 101 Switching Protocols，之后这条 TCP 连接上传的就是 WebSocket 帧
- 打印收到和发出的每个帧的头部；文本、二进制消息原样发回去
- 发文本 /ping：服务端发一个 ping 帧；发 /close：服务端用 1000 主动关闭
- Ctrl-C：给每个 WebSocket 连接发 1001（going away）再退出
"""
import base64
import hashlib
import socket
import struct
import threading

HOST, PORT = "127.0.0.1", 2333
# RFC 6455 第 1.3 节写死的字符串，所有 WebSocket 服务端都用这一个
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
# 一条消息最多 64 KiB，再大就用 1009（message too big）关闭连接
MAX_MESSAGE = 64 * 1024

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
OPCODE_NAMES = {0x0: "continuation", 0x1: "text", 0x2: "binary", 0x8: "close", 0x9: "ping", 0xA: "pong"}
CLOSE_CODE_NAMES = {
    1000: "正常关闭",
    1001: "离开",
    1002: "协议错误",
    1003: "不支持的数据类型",
    1005: "没有关闭码",
    1006: "异常断开",
    1007: "数据不合法",
    1008: "违反策略",
    1009: "消息太大",
    1011: "服务端出错",
}


def accept_value(key):
    """握手的关键一步：Sec-WebSocket-Accept = base64(SHA-1(Sec-WebSocket-Key + GUID))（第 4.2.2 节）"""
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_key(key):
    """Sec-WebSocket-Key 必须是 16 个随机字节的 base64（第 4.1 节）"""
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except ValueError:
        return False


def short_hex(data, limit=16):
    text = data[:limit].hex(" ")
    return text + " …" if len(data) > limit else text


class ProtocolError(Exception):
    """对方违反了协议：用 code（1002、1007、1009……）关闭连接"""

    def __init__(self, code, reason):
        super().__init__(reason)
        self.code = code
        self.reason = reason


class Connection:
    def __init__(self, sock, addr):
        self.sock = sock
        # 带缓冲的读：readline() 一行行读 HTTP 头，read(n) 读满 n 个字节的帧
        self.rfile = sock.makefile("rb")
        self.name = f"{addr[0]}:{addr[1]}"
        # 本连接的线程和主线程（Ctrl-C 时发 1001）都会发帧，发送要加锁
        self.send_lock = threading.RLock()
        self.upgraded = False
        self.close_sent = False

    def log(self, text):
        print(f"[{self.name}] {text}", flush=True)

    def read_exact(self, n):
        data = self.rfile.read(n)
        if len(data) < n:
            raise EOFError
        return data

    # ---------- HTTP 阶段：握手 ----------

    def read_request(self):
        """读一个 HTTP 请求头，到空行为止。返回 (请求行, {小写的头名: 值})；对方关闭了连接就返回 None"""
        line = self.rfile.readline(8192)
        if not line:
            return None
        request_line = line.decode("latin-1").rstrip("\r\n")
        self.log("收到 HTTP 请求:")
        print(f"    {request_line}", flush=True)
        headers = {}
        while True:
            line = self.rfile.readline(8192)
            if not line:
                raise EOFError
            if line in (b"\r\n", b"\n"):
                return request_line, headers
            text = line.decode("latin-1").rstrip("\r\n")
            print(f"    {text}", flush=True)
            name, _, value = text.partition(":")
            name, value = name.strip().lower(), value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value

    def respond(self, status, headers, body=""):
        data = body.encode("utf-8")
        if body:
            headers = headers + [("Content-Type", "text/plain; charset=utf-8")]
        if not status.startswith("101"):
            headers = headers + [("Content-Length", str(len(data)))]
        lines = [f"HTTP/1.1 {status}"] + [f"{name}: {value}" for name, value in headers]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data)
        self.log("发出 HTTP 响应:")
        print("\n".join(f"    {line}" for line in lines), flush=True)

    def handshake(self):
        """处理 HTTP 请求，直到收到 WebSocket 握手。握手成功返回 True，连接结束返回 False"""
        while True:
            request = self.read_request()
            if request is None:
                return False
            request_line, headers = request
            method, _, rest = request_line.partition(" ")
            upgrade = [t.strip().lower() for t in headers.get("upgrade", "").split(",")]
            connection = [t.strip().lower() for t in headers.get("connection", "").split(",")]
            key = headers.get("sec-websocket-key", "")

            if "websocket" not in upgrade:
                # 普通的 HTTP 请求。426 必须带 Upgrade 头，说明要换成什么协议（RFC 9110 第 15.5.22 节）
                body = f"426 Upgrade Required: 这是 WebSocket 服务端，请用 WebSocket 客户端连接 ws://{HOST}:{PORT}/\n"
                if "content-length" in headers or "transfer-encoding" in headers:
                    # 请求带了正文：这个简单的服务端不读正文，回完就关闭连接
                    self.respond("426 Upgrade Required", [("Upgrade", "websocket"), ("Connection", "Upgrade, close")], body)
                    return False
                # 没写 Connection: close，HTTP/1.1 的连接就保持着，可以接着发下一个请求
                self.respond("426 Upgrade Required", [("Upgrade", "websocket"), ("Connection", "Upgrade")], body)
                continue
            if headers.get("sec-websocket-version") != "13":
                # 版本不对：告诉客户端这里支持的版本（第 4.4 节）
                self.respond("426 Upgrade Required", [("Sec-WebSocket-Version", "13"), ("Connection", "close")])
                return False
            if method != "GET" or not rest.endswith(" HTTP/1.1") or "upgrade" not in connection or not valid_key(key):
                self.respond("400 Bad Request", [("Connection", "close")], "不是合法的 WebSocket 握手\n")
                return False

            accept = accept_value(key)
            self.log(f"Sec-WebSocket-Accept = base64(sha1('{key}' + '{GUID}')) = {accept}")
            # 101 之后没有 HTTP 了：这条 TCP 连接上接下来的字节都是 WebSocket 帧。
            # 先记下 upgraded 再发 101，两步都在发送锁里：主线程 Ctrl-C 时看 upgraded 决定发不发 1001，
            # 反过来写的话，客户端可能已经收到 101，主线程却还看到 False，这个连接就收不到 1001
            with self.send_lock:
                self.upgraded = True
                self.respond(
                    "101 Switching Protocols",
                    [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", accept)],
                )
            return True

    # ---------- WebSocket 阶段：帧 ----------

    def read_frame(self):
        """读一个帧（第 5.2 节），返回 (FIN, opcode, 解掩码后的载荷)"""
        header = self.read_exact(2)
        fin, rsv, opcode = header[0] >> 7, (header[0] >> 4) & 0b111, header[0] & 0x0F
        masked, length = header[1] >> 7, header[1] & 0x7F
        if length == 126:  # 126：真正的长度在后面 2 个字节里
            extended = self.read_exact(2)
            length = struct.unpack("!H", extended)[0]
            header += extended
        elif length == 127:  # 127：真正的长度在后面 8 个字节里
            extended = self.read_exact(8)
            length = struct.unpack("!Q", extended)[0]
            header += extended
        key = self.read_exact(4) if masked else b""
        name = OPCODE_NAMES.get(opcode, "?")
        self.log(
            f"← 帧头 {(header + key).hex(' ')} | FIN={fin} RSV={rsv:03b} opcode=0x{opcode:X}({name})"
            f" MASK={masked} 长度={length}" + (f" 掩码键={key.hex()}" if masked else "")
        )

        if rsv:
            raise ProtocolError(1002, "RSV bits set but no extension was negotiated")
        if opcode not in OPCODE_NAMES:
            raise ProtocolError(1002, f"unknown opcode 0x{opcode:X}")
        if not masked:
            # 客户端发来的帧必须加掩码，服务端收到没加掩码的帧必须关闭连接（第 5.1 节）
            raise ProtocolError(1002, "client frames must be masked")
        if opcode >= 0x8 and (not fin or length > 125):
            raise ProtocolError(1002, "control frames must not be fragmented or longer than 125 bytes")
        if length > MAX_MESSAGE:
            raise ProtocolError(1009, f"message too big (limit {MAX_MESSAGE} bytes)")

        payload = self.read_exact(length)
        # 解掩码：第 i 个字节和掩码键的第 i % 4 个字节异或（第 5.3 节）
        data = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        if length:
            self.log(f"   载荷 {short_hex(payload)} → 解掩码 → {short_hex(data)}")
        return fin, opcode, data

    def send_frame(self, opcode, payload=b""):
        """发一个帧：FIN=1（不分片），MASK=0（服务端发的帧不加掩码）"""
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([n])
        elif n < 1 << 16:
            header += bytes([126]) + struct.pack("!H", n)
        else:
            header += bytes([127]) + struct.pack("!Q", n)
        with self.send_lock:
            self.sock.sendall(header + payload)
            self.log(f"→ 帧头 {header.hex(' ')} | FIN=1 opcode=0x{opcode:X}({OPCODE_NAMES[opcode]}) MASK=0 长度={n}")

    def send_close(self, code=None, reason=""):
        """发关闭帧：2 字节的关闭码 + UTF-8 的原因。每个连接只发一次"""
        with self.send_lock:
            if self.close_sent:
                return
            self.close_sent = True
            payload = b"" if code is None else struct.pack("!H", code) + reason.encode("utf-8")
            self.send_frame(OP_CLOSE, payload)

    def on_close_frame(self, data):
        if len(data) == 1:
            raise ProtocolError(1002, "a close payload cannot be 1 byte long")
        code = struct.unpack("!H", data[:2])[0] if data else 1005
        reason = data[2:].decode("utf-8", errors="replace")
        self.log(f"   关闭帧: 关闭码 {code}（{CLOSE_CODE_NAMES.get(code, '?')}）原因 {reason!r}")
        if not self.close_sent:
            # 回一个关闭帧，通常把对方的关闭码原样带回去（第 5.5.1 节）
            self.send_close(code if data else None)
        # 双方都发过关闭帧了：由服务端先关闭 TCP 连接（第 7.1.1 节）

    def on_message(self, opcode, message):
        if opcode == OP_TEXT:
            try:
                text = message.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError(1007, "text message is not valid UTF-8") from None
            self.log(f"   文本消息: {text[:60]!r}" + ("…" if len(text) > 60 else ""))
            if text == "/ping":
                self.send_frame(OP_PING, b"socket-lab")
                return
            if text == "/close":
                self.send_close(1000, "bye")
                return
        else:
            self.log(f"   二进制消息: {len(message)} 字节")
        self.send_frame(opcode, message)  # 回声：原样发回去

    def serve_frames(self):
        """收帧，把分片拼成消息，处理控制帧，直到关闭握手完成"""
        message_opcode, parts, size = None, [], 0
        while True:
            fin, opcode, data = self.read_frame()
            if opcode == OP_CLOSE:
                self.on_close_frame(data)
                return
            if opcode == OP_PING:
                self.send_frame(OP_PONG, data)  # 收到 ping 就回 pong，载荷原样带回
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CONT:
                if message_opcode is None:
                    raise ProtocolError(1002, "continuation frame without a message to continue")
            elif message_opcode is not None:
                raise ProtocolError(1002, "new message before the last one was finished")
            else:
                message_opcode = opcode
            parts.append(data)
            size += len(data)
            if size > MAX_MESSAGE:
                raise ProtocolError(1009, f"message too big (limit {MAX_MESSAGE} bytes)")
            if fin:  # FIN=1：消息的最后一个分片
                opcode, message = message_opcode, b"".join(parts)
                message_opcode, parts, size = None, [], 0
                if not self.close_sent:  # 发出关闭帧以后就不再发数据了
                    self.on_message(opcode, message)

    def close_tcp(self):
        """先 shutdown 写方向（发 FIN），把对方还在发的数据读完再 close，
        免得内核因为有没读的数据而回 RST，把刚发出去的关闭帧冲掉"""
        try:
            self.sock.shutdown(socket.SHUT_WR)
            self.sock.settimeout(1)
            while self.sock.recv(65536):
                pass
        except OSError:
            pass
        self.rfile.close()
        self.sock.close()

    def run(self):
        self.log("新连接")
        try:
            if self.handshake():
                try:
                    self.serve_frames()
                except ProtocolError as err:
                    self.log(f"协议错误: {err.reason} → 用 {err.code}（{CLOSE_CODE_NAMES[err.code]}）关闭连接")
                    self.send_close(err.code, err.reason)
        except EOFError:
            if self.upgraded:
                self.log("对方没发关闭帧就断开了 TCP 连接（浏览器里看到的关闭码是 1006）")
        except OSError as err:
            self.log(f"连接出错: {err}")
        finally:
            self.close_tcp()
            self.log("连接已关闭")


def main():
    connections = {}  # Connection -> 线程
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen()
        try:
            print(f"WebSocket 服务端已启动: ws://{HOST}:{PORT}/ （普通 HTTP 请求会得到 426）", flush=True)
            while True:
                sock, addr = server.accept()
                conn = Connection(sock, addr)

                def run(conn=conn):
                    conn.run()
                    connections.pop(conn, None)

                # 每个连接一个线程（第 7 课），daemon：主线程退出时不用等它们
                connections[conn] = threading.Thread(target=run, daemon=True)
                connections[conn].start()
        except KeyboardInterrupt:
            print("\n服务端要退出了: 给每个 WebSocket 连接发 1001（going away）", flush=True)
            for conn, thread in list(connections.items()):
                if conn.upgraded:
                    try:
                        conn.send_close(1001, "server going away")
                    except OSError:
                        pass
            for conn, thread in list(connections.items()):
                if conn.upgraded:
                    thread.join(timeout=2)  # 等客户端回关闭帧
            print("服务端已停止", flush=True)


if __name__ == "__main__":
    main()

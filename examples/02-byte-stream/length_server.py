"""长度前缀分帧：每条消息前面先放 4 个字节，写明消息体有多长。

和 line_server.py 一样先把字节攒进缓冲区；凑够“4 字节长度 + 那么长的消息体”才处理一条。
消息体里可以有任何字节，包括 b"\\n"。
用法：python3 length_server.py [每次 recv 之前忙几秒，默认 0.5]
"""
import socket
import struct
import sys
import time

HOST, PORT = "127.0.0.1", 2333
BUSY = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5
# 长度头：4 字节无符号整数，网络字节序（大端，"!"）。最大能表示 4 GiB 的消息
HEADER = struct.Struct("!I")


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def handle(conn: socket.socket):
    buffer = b""  # 收到了、但还没凑成一条完整消息的字节
    while True:
        time.sleep(BUSY)
        data = conn.recv(2048)
        if not data:
            print("recv(2048) 收到 0 字节: 客户端关闭了连接", flush=True)
            if buffer:
                print(f"  最后 {len(buffer)} 字节凑不成一条完整的消息", flush=True)
            return
        print(f"recv(2048) 收到 {len(data)} 字节", flush=True)
        buffer += data
        # 先看长度头，再看消息体到齐了没有；到齐几条就处理几条
        while len(buffer) >= HEADER.size:
            (length,) = HEADER.unpack_from(buffer)
            if len(buffer) < HEADER.size + length:
                break
            body = buffer[HEADER.size : HEADER.size + length]
            buffer = buffer[HEADER.size + length :]
            print(f"  一条消息，{length} 字节: {preview(body)}", flush=True)
            reply = body.upper()
            conn.sendall(HEADER.pack(len(reply)) + reply)  # 回复也带长度头
        if buffer:
            print(f"  消息还没收完，先攒着（已有 {len(buffer)} 字节）", flush=True)


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"长度前缀分帧的服务端已启动，正在监听 {HOST}:{PORT}（每次 recv 之前先忙 {BUSY:g} 秒）", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            with conn:
                try:
                    handle(conn)
                except ConnectionError as err:  # 客户端异常断开（第 4 课）
                    print(f"连接异常断开: {err}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

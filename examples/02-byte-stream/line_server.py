"""按行分帧：每条消息以 b"\\n" 结尾。

收到的字节先攒进缓冲区，攒够一整行才当成一条消息处理，不管 recv 一次拿到的是半条还是好几条。
用法：python3 line_server.py [每次 recv 之前忙几秒，默认 0.5]
"""
import socket
import sys
import time

HOST, PORT = "127.0.0.1", 2333
BUSY = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def handle(conn: socket.socket):
    buffer = b""  # 收到了、但还没凑成一整行的字节
    while True:
        time.sleep(BUSY)
        data = conn.recv(2048)
        if not data:
            print("recv(2048) 收到 0 字节: 客户端关闭了连接", flush=True)
            if buffer:
                print(f"  最后 {len(buffer)} 字节没有换行，不是一条完整的消息", flush=True)
            return
        print(f"recv(2048) 收到 {len(data)} 字节", flush=True)
        buffer += data
        # 缓冲区里有几个完整的行，就处理几条消息
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            print(f"  一条消息，{len(line)} 字节: {preview(line)}", flush=True)
            conn.sendall(line.upper() + b"\n")  # 回复也按行分帧
        if buffer:
            print(f"  还不够一行，先攒着（已有 {len(buffer)} 字节）", flush=True)


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"按行分帧的服务端已启动，正在监听 {HOST}:{PORT}（每次 recv 之前先忙 {BUSY:g} 秒）", flush=True)
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

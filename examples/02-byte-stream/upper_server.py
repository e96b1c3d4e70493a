"""把每次 recv(2048) 收到的数据当成“一条消息”，转成大写发回去。

笔记“多线程”一节的服务端就是这么写的：recv(2048)、upper()、send。这里看看这样做会出什么事。
用法：python3 upper_server.py [每次 recv 之前忙几秒，默认 0.5]
"""
import socket
import sys
import time

HOST, PORT = "127.0.0.1", 2333
# 每次 recv 之前先“忙”一会儿（真实的服务端可能在查数据库、处理别的请求）。
# 这段时间里客户端发来的字节都在内核的接收缓冲区里排队。改成 0 试试，结果就说不准了
BUSY = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"服务端已启动，正在监听 {HOST}:{PORT}（每次 recv 之前先忙 {BUSY:g} 秒）", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            with conn:
                try:
                    while True:
                        time.sleep(BUSY)
                        # 最多 2048 字节；实际拿到多少，要看这时接收缓冲区里已经有多少
                        data = conn.recv(2048)
                        if not data:
                            print("recv(2048) 收到 0 字节: 客户端关闭了连接", flush=True)
                            break
                        print(f"recv(2048) 收到 {len(data)} 字节: {preview(data)}", flush=True)
                        # 把收到的这一块当成一条消息处理。sendall：保证全部发出
                        conn.sendall(data.upper())
                except ConnectionError as err:  # 客户端异常断开（第 4 课）
                    print(f"连接异常断开: {err}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

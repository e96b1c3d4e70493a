"""把笔记的服务端按连接的生命周期改好：

- recv() 返回 b"" 就是对方关闭了发送方向（EOF），这时才算“请求收完了”
- 每个连接都用 with 关闭，出了异常、按了 Ctrl-C 也一样
- 一个客户端异常断开（BrokenPipeError、ConnectionResetError），只结束这一个连接
- 设置 SO_REUSEADDR，停掉以后马上就能重启

协议很简单：客户端想发多少发多少，发完关闭发送方向；服务端读到 EOF 后回复一共收到了什么，然后关闭连接。
用 python3 -X dev server.py 运行，不会再看到 ResourceWarning。
"""
import socket

HOST, PORT = "127.0.0.1", 2333


def handle(conn: socket.socket):
    received = b""
    while True:
        data = conn.recv(1024)
        if not data:
            print("recv() 返回 b''：客户端关闭了发送方向（EOF）", flush=True)
            break
        print(f"recv() 收到 {len(data)} 字节: {data.decode('utf-8', errors='replace')}", flush=True)
        received += data
    text = received.decode("utf-8", errors="replace")
    conn.sendall(f"服务端一共收到 {len(received)} 字节: {text}\n".encode("utf-8"))
    print("已回复，关闭连接", flush=True)


def server():
    with socket.socket() as server:
        # 必须在 bind 之前设置。被 accept 出来的连接会继承这个设置，TIME_WAIT 也会记着它
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"服务端已启动，正在监听 {HOST}:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            with conn:  # 离开 with 块时一定会 conn.close()
                try:
                    handle(conn)
                except ConnectionError as err:
                    # BrokenPipeError、ConnectionResetError 都是 ConnectionError
                    print(f"连接异常断开: {err!r}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        # Ctrl-C：with 块已经把监听套接字和当前连接都关掉了
        print("\n服务端已停止")

"""只收不回的服务端（端口 2334）：把收到的字节数加起来，对方关闭连接时报告一共收到多少、recv 了几次。

配合 send_once.py / send_once.ts 使用。
"""
import socket

HOST, PORT = "127.0.0.1", 2334


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"接收端已启动，正在监听 {HOST}:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            total = calls = biggest = 0
            with conn:
                try:
                    while True:
                        data = conn.recv(65536)
                        if not data:
                            break
                        total += len(data)
                        calls += 1
                        biggest = max(biggest, len(data))
                except ConnectionError as err:
                    print(f"连接异常断开: {err}", flush=True)
            print(f"对方关闭了连接：一共收到 {total} 字节，recv() 调用了 {calls} 次，一次最多 {biggest} 字节", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n接收端已停止")

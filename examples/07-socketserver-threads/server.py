"""改好的 socketserver 服务端：每个客户端一个线程，收到一行就回一行大写。

python3 server.py           ThreadingTCPServer：每个连接一个新线程，所有客户端同时被服务
python3 server.py --single  TCPServer：只有一个线程，第二个客户端要等第一个离开
"""
import socketserver
import sys
import threading

HOST, PORT = "127.0.0.1", 2333


class UpperHandler(socketserver.StreamRequestHandler):
    """每个连接创建一个 UpperHandler，handle() 返回时 socketserver 关闭这个连接"""

    def handle(self):
        # 线程号和 ps -L 里的 LWP 一致：ThreadingTCPServer 每个客户端一个，TCPServer 只有一个
        me = f"[线程 {threading.get_native_id()}]"
        peer = f"{self.client_address[0]}:{self.client_address[1]}"
        print(f"{me} 客户端已连接: {peer}", flush=True)
        try:
            # 一行一条消息：self.rfile 是套接字上的带缓冲读取器，
            # 每次循环读到 \n 为止，一次 recv 收到半行或好几行都没关系（问题三）
            for line in self.rfile:
                data = line.rstrip(b"\r\n")
                print(f"{me} 收到 {peer}: {data!r}", flush=True)
                if data == b"exit":  # bytes 和 bytes 比较（问题一）
                    # exit 只结束这一个连接：服务端和其他客户端照常运行（问题二）
                    self.request.sendall(b"BYE\n")  # sendall，不是 send（问题六）
                    break
                self.request.sendall(data.upper() + b"\n")
        except ConnectionError as err:
            print(f"{me} 连接异常断开: {peer}: {err}", flush=True)
        print(f"{me} 客户端已断开: {peer}", flush=True)


class Server(socketserver.ThreadingTCPServer):
    # 真正的类名是 ThreadingMixIn（问题七），ThreadingTCPServer = ThreadingMixIn + TCPServer
    daemon_threads = True  # 按 Ctrl-C 时不等还连着的客户端，马上退出（问题四）
    allow_reuse_address = True  # 停掉以后马上能在同一个端口重启（问题五）


class SingleServer(socketserver.TCPServer):
    allow_reuse_address = True


if __name__ == "__main__":
    single = sys.argv[1:] == ["--single"]
    server_class = SingleServer if single else Server
    # with 块结束时调用 server_close()：关闭监听套接字
    with server_class((HOST, PORT), UpperHandler) as server:
        kind = "TCPServer，单线程" if single else "ThreadingTCPServer，每个连接一个线程"
        try:
            # 在 try 里打印：看到这行就按 Ctrl-C，KeyboardInterrupt 也一定落在 except 里
            print(f"服务端已启动（{kind}），正在监听 {HOST}:{PORT}", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\n服务端已停止", flush=True)

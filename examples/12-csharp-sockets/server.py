import socket

HOST, PORT = "127.0.0.1", 2333
# 笔记用的是 GB2312，这里统一用 UTF-8，什么字符都能发。编码的坑留到第 3 课
ENCODING = "utf-8"


def server():
    # 1、创建服务端的 socket 对象：IPv4（AF_INET）+ TCP（SOCK_STREAM），
    #    也就是 socket.socket() 的默认值。with 块结束时（出错、按 Ctrl-C 也算）自动 close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        # 停掉服务端后能马上在同一个端口重启，不报 Address already in use（第 4 课）
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # 2、绑定一个 ip 和端口
        server.bind((HOST, PORT))
        # 3、开始监听；5 是已经连上、但还没被 accept 的连接最多能排几个
        server.listen(5)
        # flush=True：马上输出，即使标准输出接的是管道而不是终端
        print(f"服务端已启动，正在监听 {HOST}:{PORT}", flush=True)
        while True:
            # 4、等待客户端连接。accept 返回一个专门和这个客户端通信的新 socket，
            #    以及客户端的 (ip, 端口)
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            # 7、关闭和这个客户端的连接：with 块结束时自动 conn.close()，
            #    然后回到循环开头等下一个客户端
            with conn:
                try:
                    # 5、客户端与服务端进行通信：一直收，直到客户端关闭连接
                    while True:
                        rev_data = conn.recv(1024)
                        if not rev_data:  # 收到 b""：客户端已经关闭了连接
                            break
                        message = rev_data.decode(ENCODING, errors="replace")
                        print(f"服务端收到客户端发来的消息: {message}", flush=True)
                        # 6、服务端给客户端回消息。sendall 保证全部发出，
                        #    send 可能只发出一部分（第 2 课）
                        conn.sendall(f"服务端已收到: {message}".encode(ENCODING))
                except ConnectionError as err:
                    # 客户端异常断开只影响这一个连接，服务端接着等下一个（第 4 课）
                    print(f"连接异常断开: {err}", flush=True)
            print(f"客户端已断开: {addr[0]}:{addr[1]}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

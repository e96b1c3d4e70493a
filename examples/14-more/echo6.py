import socket

HOST, PORT = "::1", 2333  # IPv6 的回环地址，相当于 IPv4 的 127.0.0.1


def main():
    # AF_INET6：IPv6。除了地址族和地址，和第 1 课的服务端一模一样
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"IPv6 echo 服务端已启动，正在监听 [{HOST}]:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            # IPv6 的地址是四元组 (host, port, flowinfo, scope_id)
            print(f"客户端已连接: {addr}", flush=True)
            with conn:
                try:
                    while data := conn.recv(1024):
                        print(f"收到 {len(data)} 字节: {data.decode('utf-8', errors='replace')!r}", flush=True)
                        conn.sendall(data)  # 原样发回
                except ConnectionError as err:
                    print(f"连接异常断开: {err}", flush=True)
            print("客户端已断开", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\n服务端已停止")

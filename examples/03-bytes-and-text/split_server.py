"""每次 recv(1024) 收到的字节马上单独解码：一个字符被切成两半，就会出错。"""
import socket

HOST, PORT = "127.0.0.1", 2333


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"服务端已启动，正在监听 {HOST}:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            with conn:
                while True:
                    data = conn.recv(1024)
                    if not data:
                        print("客户端关闭了连接", flush=True)
                        break
                    print(f"recv(1024) 收到 {len(data)} 字节，最后 3 个字节: {data[-3:].hex(' ')}", flush=True)
                    text = data.decode("utf-8")  # 这一块的结尾如果是半个字符，这里就抛出 UnicodeDecodeError
                    print(f"  解码得到 {len(text)} 个字符，最后几个: {text[-5:]}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

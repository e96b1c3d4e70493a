"""发几条消息，然后关闭发送方向，等服务端的回复。

用法：python3 client.py          发完调用 shutdown(SHUT_WR)：不再发了，但还能收
      python3 client.py --close  发完直接 close()：两个方向一起关，回复再也收不到了
"""
import socket
import sys

HOST, PORT = "127.0.0.1", 2333
MESSAGES = ["你好", "再见"]


def main():
    use_close = "--close" in sys.argv[1:]
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到 {HOST}:{PORT}", flush=True)
        for message in MESSAGES:
            sock.sendall(message.encode("utf-8"))
            print(f"发出: {message}", flush=True)
        if use_close:
            sock.close()
            print("close()：连接关了，接下来还想 recv……", flush=True)
        else:
            # 发一个 FIN 过去：服务端的 recv() 会返回 b""；我们这边还能接着收
            sock.shutdown(socket.SHUT_WR)
            print("shutdown(SHUT_WR)：不再发了，等回复", flush=True)
        while True:
            data = sock.recv(1024)
            if not data:
                print("recv() 返回 b''：服务端关闭了连接", flush=True)
                break
            print(f"收到: {data.decode('utf-8', errors='replace')}", end="", flush=True)


if __name__ == "__main__":
    main()

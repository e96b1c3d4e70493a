"""交互式客户端：每输入一行就发出去（末尾带 \n），然后等服务端回复。空行或 Ctrl-D 退出"""
import socket

HOST, PORT = "127.0.0.1", 2333


def client():
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到服务端 {HOST}:{PORT}，输入消息回车发送，空行退出", flush=True)
        while True:
            line = input(">>")
            if not line:
                print("connect close..", flush=True)
                break
            sock.sendall((line + "\n").encode("utf-8"))
            # 回复都很短，这里一次 recv 就当成一条完整的回复。
            # 笔记的服务端回复不带 \n，改好的服务端带 \n，两种都能显示
            reply = sock.recv(2048)
            if not reply:  # b""：服务端关闭了连接
                print("服务端关闭了连接", flush=True)
                break
            print(f"收到回复: {reply.decode('utf-8', errors='replace').rstrip()}", flush=True)


if __name__ == "__main__":
    try:
        client()
    except (EOFError, KeyboardInterrupt):  # Ctrl-D、Ctrl-C 也算退出
        print("\nconnect close..")

import socket

HOST, PORT = "127.0.0.1", 2333
# 和 server.py 一样用 UTF-8；笔记里的 GB2312 有什么问题见第 3 课
ENCODING = "utf-8"


def client():
    # 1、创建 socket 通信对象（IPv4 + TCP）。
    # 4、关闭 socket 对象：with 块结束时（出错、按 Ctrl-C 也算）自动 close()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as clientSocket:
        # 2、使用正确的 ip 和端口去连接服务器
        clientSocket.connect((HOST, PORT))
        print(f"已连接到服务端 {HOST}:{PORT}，输入消息回车发送，空行退出")
        # 3、客户端与服务器端进行通信
        while True:
            send_data = input(">>")
            # 空行就结束：发送空字符串等于什么也没发，服务端不会回复，
            # 下面的 recv 会一直等下去
            if not send_data:
                print("connect close..")
                break
            clientSocket.sendall(send_data.encode(ENCODING))
            # 接收服务器的响应（服务器回复的消息）；收到 b"" 说明服务端关闭了连接
            recvData = clientSocket.recv(1024)
            if not recvData:
                print("服务端关闭了连接")
                break
            reply = recvData.decode(ENCODING, errors="replace")
            print(f"客户端收到服务器回复的消息: {reply}")


if __name__ == "__main__":
    try:
        client()
    except (EOFError, KeyboardInterrupt):  # Ctrl-D、Ctrl-C 也算退出
        print("\nconnect close..")

"""只搬运字节、从不编码解码的客户端。

你在终端里输入的字节原样发出去，服务端回复的字节原样写到终端上。这些字节按什么编码显示成文字，
由终端决定：实验区每个终端右上角都有一个“编码”菜单。
"""
import socket
import sys

HOST, PORT = "127.0.0.1", 2333


def main():
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到 {HOST}:{PORT}，输入一行回车发送", flush=True)
        print(">>", end="", flush=True)
        # sys.stdin.buffer：直接读终端送来的字节，不解码
        line = sys.stdin.buffer.readline().rstrip(b"\r\n")
        sock.sendall(line)
        # 只发这一行：告诉服务端“我不再发了”，但还能接着收回复（第 4 课细讲 shutdown）
        sock.shutdown(socket.SHUT_WR)
        print(f"发出 {len(line)} 字节: {line.hex(' ')}", flush=True)
        # 笔记的服务端分两次 send 回复，也没有分帧（第 2 课），回复什么时候算完？
        # 这里只能猜：0.5 秒内没有新数据，就当它发完了
        sock.settimeout(0.5)
        reply = b""
        closed = False
        try:
            while True:
                data = sock.recv(1024)
                if not data:  # b""：服务端关闭了连接
                    closed = True
                    break
                reply += data
        except TimeoutError:
            pass
        if reply:
            print(f"收到 {len(reply)} 字节，原样输出:", flush=True)
            # sys.stdout.buffer：把字节原样写给终端，不编码
            sys.stdout.buffer.write(reply + b"\n")
            sys.stdout.buffer.flush()
        if closed:
            print("服务端关闭了连接", flush=True)
        elif not reply:
            print("0.5 秒内没有收到回复", flush=True)

if __name__ == "__main__":
    main()

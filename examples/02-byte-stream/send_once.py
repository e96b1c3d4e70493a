"""send() 不保证把数据全部发出去，它返回的是实际发出的字节数；sendall() 会一直发，直到全部发完。

配合 sink_server.py / sink_server.ts（端口 2334）使用。
"""
import socket

HOST, PORT = "127.0.0.1", 2334
SIZE = 10_000_000  # 1000 万字节，比内核的发送缓冲区大得多


def main():
    data = b"x" * SIZE
    with socket.create_connection((HOST, PORT)) as sock:
        # 设了超时的套接字，Python 在内部会把它改成非阻塞的：send() 只把内核这时放得下的那部分交出去，
        # 马上返回。asyncio 之类的程序用的都是非阻塞套接字
        sock.settimeout(10)
        sent = sock.send(data)
        print(f"send() 返回 {sent}：{SIZE} 字节只发出了 {sent} 字节，还剩 {SIZE - sent} 字节", flush=True)
        # 笔记的客户端就是这么用 send 的：不看返回值，剩下的字节就这么丢了。
        # sendall() 在内部循环调用 send()，直到全部发完（或者超时、出错，抛出异常）
        sock.sendall(data[sent:])
        print(f"sendall() 返回：剩下的 {SIZE - sent} 字节也发出去了", flush=True)


if __name__ == "__main__":
    main()

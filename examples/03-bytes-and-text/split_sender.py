"""发一条“1023 个 a + 你好”的消息，“你”的字节正好跨过第 1024 字节。发完就关闭连接。

用法：python3 split_sender.py [编码，默认 utf-8；给笔记的服务端发就用 gb2312]
"""
import socket
import sys

HOST, PORT = "127.0.0.1", 2333


def main():
    encoding = sys.argv[1] if len(sys.argv) > 1 else "utf-8"
    data = ("a" * 1023 + "你好").encode(encoding)
    with socket.create_connection((HOST, PORT)) as sock:
        sock.sendall(data)
    print(f"用 {encoding} 发出 {len(data)} 字节: 1023 个 a，然后是“你好”: {data[1023:].hex(' ')}", flush=True)


if __name__ == "__main__":
    main()

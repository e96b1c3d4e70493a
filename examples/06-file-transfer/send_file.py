"""发送方（客户端）：python3 send_file.py 文件 [--name 对方看到的文件名]

先发一个小小的头（文件名长度、文件名、文件大小），再发文件内容，格式见 recv_file.py。
--name 可以随便指定发给对方的文件名，用来模拟一个不怀好意的发送方。
"""
import os
import socket
import struct
import sys

HOST, PORT = "127.0.0.1", 2333


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[1] == "--name":
        path, name = args[0], args[2]
    elif len(args) == 1:
        path = args[0]
        name = os.path.basename(path)  # 只发文件名，不发本地的目录
    else:
        print("用法: python3 send_file.py 文件 [--name 对方看到的文件名]", file=sys.stderr)
        sys.exit(2)

    size = os.path.getsize(path)
    name_bytes = name.encode("utf-8")
    # !H：2 字节无符号整数，!Q：8 字节无符号整数，! 表示网络字节序（大端）
    header = struct.pack("!H", len(name_bytes)) + name_bytes + struct.pack("!Q", size)
    print(f"头部 {len(header)} 字节: {header.hex(' ')}", flush=True)

    with socket.create_connection((HOST, PORT)) as sock, open(path, "rb") as f:
        print(f"发送 {name!r}（{size} 字节）到 {HOST}:{PORT}", flush=True)
        try:
            sock.sendall(header)
            sent = 0
            while chunk := f.read(65536):
                sock.sendall(chunk)  # sendall：这一块全部交给操作系统才返回
                sent += len(chunk)
        except ConnectionError as err:
            print(f"发送失败，接收方断开了连接: {err}", flush=True)
            sys.exit(1)
    print(f"已发送 {sent} 字节", flush=True)


if __name__ == "__main__":
    main()

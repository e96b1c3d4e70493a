"""拆开的汉字：把“你”的 3 个 UTF-8 字节分两次发出去，中间停 1 秒。

对方那时正停在 recv() 上，所以一定会分两次收到：先收到前 2 个字节，1 秒后才收到最后 1 个。
用法：先在另一个终端运行聊天的服务端，再运行 python3 split_sender.py
"""
import socket
import time

HOST, PORT = "127.0.0.1", 2333

with socket.create_connection((HOST, PORT)) as sock:
    print(f"已连接到 {HOST}:{PORT}", flush=True)
    sock.sendall("你好\n".encode("utf-8"))
    print("整行发出: '你好\\n'", flush=True)
    time.sleep(1)
    data = "你\n".encode("utf-8")  # b'\xe4\xbd\xa0\n'：“你”占 3 个字节
    sock.sendall(data[:2])
    print(f"发出前一半: {data[:2]!r}", flush=True)
    time.sleep(1)
    sock.sendall(data[2:])
    print(f"发出后一半: {data[2:]!r}", flush=True)
    time.sleep(1)
print("已断开", flush=True)

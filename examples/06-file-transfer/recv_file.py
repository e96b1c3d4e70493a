"""接收方（服务端）：收一个文件，存进 received/ 目录，然后等下一个。

协议（所有整数都是网络字节序，也就是大端）：
    2 字节  文件名的长度 n（struct 格式 !H）
    n 字节  文件名（UTF-8）
    8 字节  文件大小 size（struct 格式 !Q）
    size 字节  文件内容
"""
import os
import socket
import struct

HOST, PORT = "127.0.0.1", 2333
SAVE_DIR = "received"
MAX_SIZE = 100_000_000  # 不接受超过 100 MB 的文件，免得对方一个数字就把磁盘写满


def recv_exactly(conn, n):
    """收满 n 个字节才返回。一次 recv() 可能只收到一部分，所以要循环"""
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:  # 对方提前关闭了连接
            raise ConnectionError(f"连接提前断开：需要 {n} 字节，只收到 {len(data)} 字节")
        data += chunk
    return data


def unsafe_reason(name):
    """文件名不安全时返回原因，安全时返回 None。文件名来自网络，对方想写什么就写什么"""
    if name in ("", ".", ".."):
        return "不是普通的文件名"
    if "/" in name or "\\" in name:
        return "含有路径分隔符"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):  # NUL、换行、终端控制字符……
        return "含有控制字符"
    if len(name.encode("utf-8")) > 255:
        return "太长"
    return None


def receive_file(conn):
    (name_len,) = struct.unpack("!H", recv_exactly(conn, 2))
    name_bytes = recv_exactly(conn, name_len)
    (size,) = struct.unpack("!Q", recv_exactly(conn, 8))
    try:
        name = name_bytes.decode("utf-8")
    except UnicodeDecodeError:
        print(f"拒绝：文件名不是合法的 UTF-8: {name_bytes!r}", flush=True)
        return
    print(f"文件名: {name!r}，大小: {size} 字节", flush=True)
    reason = unsafe_reason(name)
    if reason:
        # 如果直接拼路径，文件会写到哪里去
        naive = os.path.abspath(os.path.join(SAVE_DIR, name))
        print(f"拒绝：文件名{reason}；照原样保存会写到 {naive!r}", flush=True)
        return
    if size > MAX_SIZE:
        print(f"拒绝：文件太大（上限 {MAX_SIZE} 字节）", flush=True)
        return

    os.makedirs(SAVE_DIR, exist_ok=True)
    path = os.path.join(SAVE_DIR, name)
    partial = path + ".part"  # 先写临时文件，收完整了再改名，不留下半个文件
    received = 0
    calls = 0
    with open(partial, "wb") as f:
        while received < size:
            chunk = conn.recv(min(65536, size - received))
            calls += 1
            if not chunk:
                break
            f.write(chunk)
            received += len(chunk)
    if received < size:
        os.remove(partial)
        print(f"连接提前断开：只收到 {received} / {size} 字节，已丢弃", flush=True)
        return
    os.replace(partial, path)
    print(f"已保存 {path}：{received} 字节，recv() 调用了 {calls} 次", flush=True)


def main():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"接收方已启动，正在监听 {HOST}:{PORT}，文件保存到 {SAVE_DIR}/", flush=True)
        while True:
            conn, addr = server.accept()
            with conn:
                print(f"发送方已连接: {addr[0]}:{addr[1]}", flush=True)
                try:
                    receive_file(conn)
                except ConnectionError as err:
                    print(err, flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\n接收方已停止")

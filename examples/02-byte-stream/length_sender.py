"""和 sender.py 发一样的内容，只是每条消息前面加 4 字节的长度头。配合 length_server.py 使用。"""
import socket
import struct

HOST, PORT = "127.0.0.1", 2333
HEADER = struct.Struct("!I")  # 和 length_server.py 约定好的长度头


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def send_message(sock: socket.socket, body: bytes):
    sock.sendall(HEADER.pack(len(body)) + body)


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    """不多不少正好收 n 字节：一次 recv 不够就接着收"""
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"对方关闭了连接，还差 {n - len(data)} 字节")
        data += chunk
    return data


def recv_message(sock: socket.socket) -> bytes:
    (length,) = HEADER.unpack(recv_exactly(sock, HEADER.size))
    return recv_exactly(sock, length)


def main():
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到 {HOST}:{PORT}", flush=True)
        send_message(sock, b"first")
        print("发送 b'\\x00\\x00\\x00\\x05' + b'first'", flush=True)
        send_message(sock, b"second")
        print("发送 b'\\x00\\x00\\x00\\x06' + b'second'", flush=True)
        for _ in range(2):
            print(f"回复: {preview(recv_message(sock))}", flush=True)

        big = b"x" * 5000
        send_message(sock, big)
        print(f"发送 {HEADER.pack(len(big))} + {len(big)} 字节", flush=True)
        reply = recv_message(sock)
        print(f"回复: 一条 {len(reply)} 字节的消息: {preview(reply)}", flush=True)


if __name__ == "__main__":
    main()

"""连着发两次小消息，再发一条 5000 字节的大消息，看看对方 recv 到的是什么样子。

配合 upper_server.py 使用：它把每次 recv 到的东西转成大写发回来。
"""
import socket

HOST, PORT = "127.0.0.1", 2333


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def receive(sock: socket.socket, expected: int) -> bytes:
    """一直 recv，直到收够 expected 字节，每次 recv 拿到多少都打印出来"""
    reply = b""
    while len(reply) < expected:
        data = sock.recv(65536)  # 一次最多拿 64 KiB，不会是这里把回复拆开的
        if not data:
            raise ConnectionError("服务端关闭了连接")
        print(f"  recv() 收到 {len(data)} 字节: {preview(data)}", flush=True)
        reply += data
    return reply


def main():
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到 {HOST}:{PORT}", flush=True)

        # 1. 两次 sendall，紧挨着发出去
        sock.sendall(b"first")
        print("sendall(b'first')", flush=True)
        sock.sendall(b"second")
        print("sendall(b'second')", flush=True)
        reply = receive(sock, len(b"FIRSTSECOND"))
        print(f"回复: {reply}", flush=True)

        # 2. 一次 sendall 发 5000 字节
        big = b"x" * 5000
        sock.sendall(big)
        print(f"sendall({len(big)} 字节)", flush=True)
        reply = receive(sock, len(big))
        print(f"回复一共 {len(reply)} 字节", flush=True)


if __name__ == "__main__":
    main()

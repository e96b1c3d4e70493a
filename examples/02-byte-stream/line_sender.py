"""和 sender.py 发一样的内容，只是每条消息后面加一个 b"\\n"。配合 line_server.py 使用。"""
import socket

HOST, PORT = "127.0.0.1", 2333


def preview(data: bytes) -> str:
    """短的原样显示，长的只显示开头"""
    return repr(data) if len(data) <= 24 else repr(data[:16]) + "…"


def main():
    # makefile 把套接字包装成一个文件，它的 readline() 替我们攒字节、找换行，
    # 和 line_server.py 里手写的缓冲区是一回事
    with socket.create_connection((HOST, PORT)) as sock, sock.makefile("rb") as replies:
        print(f"已连接到 {HOST}:{PORT}", flush=True)

        sock.sendall(b"first\n")
        print("sendall(b'first\\n')", flush=True)
        sock.sendall(b"second\n")
        print("sendall(b'second\\n')", flush=True)
        for _ in range(2):
            reply = replies.readline().rstrip(b"\n")
            print(f"回复: {preview(reply)}", flush=True)

        big = b"x" * 5000
        sock.sendall(big + b"\n")
        print(f"sendall({len(big)} 字节 + b'\\n')", flush=True)
        reply = replies.readline().rstrip(b"\n")
        print(f"回复: 一条 {len(reply)} 字节的消息: {preview(reply)}", flush=True)


if __name__ == "__main__":
    main()

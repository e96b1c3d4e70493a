import socket
import sys

# 用法：python3 echo_client.py 地址 [消息]
# 地址：::1（IPv6）、127.0.0.1（IPv4）或 /tmp/socket-lab.sock（Unix 域套接字）
address = sys.argv[1] if len(sys.argv) > 1 else "::1"
message = sys.argv[2] if len(sys.argv) > 2 else f"你好，{address}"
PORT = 2333

# 三种套接字的用法完全一样，不同的只有地址族和地址
if address.startswith("/"):
    family, target = socket.AF_UNIX, address
elif ":" in address:
    family, target = socket.AF_INET6, (address, PORT)
else:
    family, target = socket.AF_INET, (address, PORT)

with socket.socket(family, socket.SOCK_STREAM) as sock:
    try:
        sock.connect(target)
    except OSError as err:
        print(f"连不上 {target}: {err}", file=sys.stderr)
        sys.exit(1)
    print(f"已连接 {target}（{family.name}），本端地址 {sock.getsockname()!r}", flush=True)
    sock.sendall(message.encode("utf-8"))
    sock.shutdown(socket.SHUT_WR)  # 告诉服务端“发完了”，它原样发回后我们读到 b"" 就结束
    reply = b""
    while chunk := sock.recv(1024):
        reply += chunk
    print(f"收到回显: {reply.decode('utf-8', errors='replace')}", flush=True)

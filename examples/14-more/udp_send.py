import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 2333

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    # 没有 connect：每个数据报都写上收件地址。三次 sendto 紧挨着发出
    for message in ["a", "b", "c"]:
        sent = sock.sendto(message.encode("utf-8"), (HOST, PORT))
        print(f"sendto {message!r} → {HOST}:{PORT}，{sent} 字节", flush=True)
    # 没人在那个端口上收，sendto 也照样成功：UDP 不握手，发出去就不管了
    print("3 个数据报都发出去了（发出去不等于有人收到）", flush=True)

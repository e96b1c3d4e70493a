"""连上就走，而且不是好好地关：用 SO_LINGER 让 close() 直接发 RST（重置）而不是 FIN。

对方的 recv() 不会返回 b""，而是抛出 ConnectionResetError。
"""
import socket
import struct

HOST, PORT = "127.0.0.1", 2333

with socket.create_connection((HOST, PORT)) as sock:
    print(f"已连接到 {HOST}:{PORT}", flush=True)
    # SO_LINGER 打开、等待时间为 0：close() 时丢掉没发完的数据，直接发 RST
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
print("close()：发出了 RST", flush=True)

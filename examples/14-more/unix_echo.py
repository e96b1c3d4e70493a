import os
import socket

PATH = "/tmp/socket-lab.sock"  # Unix 域套接字的地址是一个文件路径


def main():
    # 上次留下的套接字文件还在的话，bind 会报 Address already in use，所以先删掉
    if os.path.exists(PATH):
        os.unlink(PATH)
    # AF_UNIX：同一台机器上的进程间通信，不经过 IP，没有端口
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(PATH)  # 这一步在文件系统里创建了 /tmp/socket-lab.sock
        server.listen(5)
        print(f"Unix echo 服务端已启动，正在监听 {PATH}", flush=True)
        try:
            while True:
                conn, addr = server.accept()
                # 客户端通常不 bind，所以它的地址是空字符串
                print(f"客户端已连接: {addr!r}", flush=True)
                with conn:
                    try:
                        while data := conn.recv(1024):
                            print(f"收到 {len(data)} 字节: {data.decode('utf-8', errors='replace')!r}", flush=True)
                            conn.sendall(data)  # 原样发回
                    except ConnectionError as err:
                        print(f"连接异常断开: {err}", flush=True)
                print("客户端已断开", flush=True)
        finally:
            os.unlink(PATH)  # 关闭 socket 不会删除文件，要自己删


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\n服务端已停止")

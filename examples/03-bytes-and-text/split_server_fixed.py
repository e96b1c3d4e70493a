"""用增量解码器解码字节流：一块数据结尾的半个字符先留在解码器里，等下一块到了再拼起来。"""
import codecs
import socket

HOST, PORT = "127.0.0.1", 2333


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"服务端已启动，正在监听 {HOST}:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            print(f"客户端已连接: {addr[0]}:{addr[1]}", flush=True)
            # 每个连接一个解码器：它记得上一块结尾没解完的字节
            decoder = codecs.getincrementaldecoder("utf-8")()
            with conn:
                try:
                    while True:
                        data = conn.recv(1024)
                        if not data:
                            # final=True：连接结束了，还剩半个字符的话就是真的坏了，这里会抛出异常
                            decoder.decode(b"", final=True)
                            print("客户端关闭了连接", flush=True)
                            break
                        print(f"recv(1024) 收到 {len(data)} 字节，最后 3 个字节: {data[-3:].hex(' ')}", flush=True)
                        text = decoder.decode(data)
                        print(f"  解码得到 {len(text)} 个字符，最后几个: {text[-5:]}", flush=True)
                except UnicodeDecodeError as err:
                    print(f"对方发来的不是合法的 UTF-8: {err}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

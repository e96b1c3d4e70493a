import os
import selectors
import socket
import threading

HOST, PORT = "127.0.0.1", 2333

# 选择器：把一堆 socket 交给它，它告诉我们哪些已经可以读、可以写了。
# 在 Linux 上 DefaultSelector 就是 epoll
sel = selectors.DefaultSelector()


def accept(server):
    # 选择器说监听 socket 可读，说明有连接在排队，这次 accept() 不会卡住
    conn, addr = server.accept()
    conn.setblocking(False)  # 以后对它的 recv/send 都不许卡住这唯一的线程
    # data 里放这个连接自己的状态：名字和还没发出去的字节
    state = {"name": f"{addr[0]}:{addr[1]}", "outbox": bytearray()}
    sel.register(conn, selectors.EVENT_READ, state)
    clients = len(sel.get_map()) - 1  # 减去监听 socket
    print(
        f"客户端已连接: {state['name']}（在线 {clients} 个，"
        f"线程数 {threading.active_count()}）",
        flush=True,
    )


def close(conn, state, why=""):
    sel.unregister(conn)
    conn.close()
    print(f"客户端已断开: {state['name']}{why}", flush=True)


def service(conn, mask, state):
    if mask & selectors.EVENT_READ:
        try:
            data = conn.recv(1024)  # 选择器说可读，这次 recv 马上返回
        except ConnectionError as err:
            close(conn, state, f"（{err}）")
            return
        if not data:  # b""：对方关闭了连接
            close(conn, state)
            return
        text = data.decode("utf-8", errors="replace").rstrip("\r\n")
        print(f"收到 {state['name']} 的 {len(data)} 字节: {text}", flush=True)
        # 非阻塞 socket 上不能用 sendall：发不完它会抛 BlockingIOError。
        # 先放进待发送缓冲区，等选择器说“可写”再发
        state["outbox"] += data
        sel.modify(conn, selectors.EVENT_READ | selectors.EVENT_WRITE, state)
    if mask & selectors.EVENT_WRITE and state["outbox"]:
        try:
            sent = conn.send(state["outbox"])  # 能发多少发多少
        except ConnectionError as err:
            close(conn, state, f"（{err}）")
            return
        del state["outbox"][:sent]
        if not state["outbox"]:  # 发完了，不再关心“可写”，否则会一直被叫醒
            sel.modify(conn, selectors.EVENT_READ, state)


def main():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        server.setblocking(False)
        sel.register(server, selectors.EVENT_READ, None)  # data=None 表示“这是监听 socket”
        print(f"echo 服务端（selectors）已启动，正在监听 {HOST}:{PORT}，pid {os.getpid()}", flush=True)
        # 事件循环：唯一的线程只在 select() 这一个地方等，等的是“所有 socket 中任何一个有事”
        while True:
            for key, mask in sel.select():
                if key.data is None:
                    accept(key.fileobj)
                else:
                    service(key.fileobj, mask, key.data)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\n服务端已停止")

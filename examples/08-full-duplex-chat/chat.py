"""全双工聊天（改好的版本）。一方运行 python3 chat.py server，另一方运行 python3 chat.py client"""
import codecs
import socket
import sys
import threading

HOST, PORT = "127.0.0.1", 2333


def send_loop(sock, leaving):
    """读键盘、发消息。输入 exit 或按 Ctrl-D 就结束聊天。

    它运行在守护线程里：等键盘输入的线程没有办法从外面叫醒，
    所以让进程可以随时丢下它，主线程一结束它就跟着结束。
    """
    # 不用 input()：它读的是 sys.stdin，解释器退出时要关闭 sys.stdin，
    # 而被丢下的守护线程还占着它的锁（标准输入是管道时会报 Fatal Python error）。
    # 这里给键盘单独开一个文件对象，效果和 input() 一样，一次读一行
    keyboard = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    try:
        for line in keyboard:  # 按 Ctrl-D（输入结束）时循环结束
            line = line.rstrip("\n")
            if line == "exit":
                break
            # 一行一条消息：末尾的 \n 就是消息的边界（问题三）
            sock.sendall((line + "\n").encode("utf-8"))
    except OSError as err:  # 对方已经断开，发不出去了
        print(f"发送失败: {err}", flush=True)
    leaving.set()
    try:
        # 叫醒主线程里阻塞着的 recv()：shutdown 之后它马上返回 b""，
        # 同时给对方发 FIN，对方的 recv() 也返回 b""（问题二）。
        # close() 做不到这一点：另一个线程还在 recv() 里时，close() 叫不醒它，也不发 FIN
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # 连接已经断了


def receive_loop(sock):
    """收消息、按行打印，直到 recv() 返回 b""（对方关闭了连接，或者我们自己 shutdown 了）"""
    # 增量解码器：一个汉字的 3 个字节被拆到两次 recv() 里也没关系，
    # 不完整的字节先留着，等后面的字节到了再一起解码（问题四）
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    while True:
        data = sock.recv(1024)
        if not data:  # b""：连接的这个方向已经结束，不能再当成一条空消息打印（问题一）
            break
        pending += decoder.decode(data)
        *lines, pending = pending.split("\n")
        for line in lines:
            print(f"对方: {line}", flush=True)
    pending += decoder.decode(b"", final=True)
    if pending:  # 最后一条消息没有换行
        print(f"对方: {pending}", flush=True)


def chat(sock):
    leaving = threading.Event()
    threading.Thread(target=send_loop, args=(sock, leaving), daemon=True).start()
    print("输入消息回车发送，输入 exit 或按 Ctrl-D 结束", flush=True)
    try:
        receive_loop(sock)
    except ConnectionError as err:
        print(f"连接异常断开: {err}", flush=True)
        return
    if leaving.is_set():
        print("你结束了聊天", flush=True)
    else:
        print("对方结束了聊天", flush=True)


def server():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, PORT))
        listener.listen(1)
        print(f"等待对方连接 {HOST}:{PORT} …", flush=True)
        sock, addr = listener.accept()
    # 只和一个人聊（问题五）：接受以后马上关掉监听套接字，
    # 第二个客户端会直接得到 Connection refused，而不是连上了却没人理
    with sock:
        print(f"对方已连接: {addr[0]}:{addr[1]}", flush=True)
        chat(sock)


def client():
    with socket.create_connection((HOST, PORT)) as sock:
        print(f"已连接到 {HOST}:{PORT}", flush=True)
        chat(sock)


if __name__ == "__main__":
    # 角色由命令行参数决定，不用改文件（问题六）
    roles = {"server": server, "client": client}
    if len(sys.argv) != 2 or sys.argv[1] not in roles:
        print("用法: python3 chat.py server|client", file=sys.stderr)
        sys.exit(2)
    try:
        roles[sys.argv[1]]()
    except KeyboardInterrupt:  # Ctrl-C：主线程停在 recv() 上，会被立刻打断
        print("\n已中断", flush=True)

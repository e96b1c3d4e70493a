import socket
import time

HOST, PORT = "127.0.0.1", 2333


def main():
    # SOCK_DGRAM：UDP。没有 listen、没有 accept，也没有连接：bind 之后直接收
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((HOST, PORT))
        print(f"UDP 接收端已绑定 {HOST}:{PORT}，每读一个数据报歇 1 秒", flush=True)
        count = 0
        while True:
            # 一次 recvfrom 正好取走一个数据报，同时告诉我们是谁发的。
            # 数据报比 2048 字节长的话，多出来的部分直接丢掉（TCP 会留到下一次 recv）
            data, addr = sock.recvfrom(2048)
            count += 1
            text = data.decode("utf-8", errors="replace")
            print(f"第 {count} 次 recvfrom: {len(data)} 字节 {text!r}，来自 {addr[0]}:{addr[1]}", flush=True)
            # 故意读得慢：这一秒里后面的数据报已经到了，在缓冲区里排队，但不会粘在一起
            time.sleep(1)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("\n接收端已停止")

import html
import socket

HOST, PORT = "127.0.0.1", 2333
# 请求头最多收这么多字节，防止有人发来没完没了的请求头
MAX_HEAD = 64 * 1024


def read_request_head(conn):
    """一直 recv，直到收到空行 \\r\\n\\r\\n：HTTP 请求头到这里结束（GET 请求没有请求体）"""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(1024)
        if not chunk:  # 对方没发完请求头就关闭了连接
            break
        data += chunk
        if len(data) > MAX_HEAD:
            break
    head, _, _ = data.partition(b"\r\n\r\n")
    # 请求头应该只有 ASCII；万一混进别的字节，显示成 �，不让服务端崩溃（第 3 课）
    return head.decode("utf-8", errors="replace")


def respond(conn, request_head):
    page = (
        "<!doctype html>\n"
        "<title>不要回答</title>\n"
        "<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n"
        "<p>服务端收到的请求：</p>\n"
        f"<pre>{html.escape(request_head)}</pre>\n"
    )
    # 先编码成字节，再数字节数：Content-Length 数的是字节，不是字符
    body = page.encode("utf-8")
    head = (
        "HTTP/1.1 200 OK\r\n"  # 状态行：协议版本、状态码、原因短语
        "Content-Type: text/html; charset=utf-8\r\n"  # 是什么、用什么编码
        f"Content-Length: {len(body)}\r\n"  # 响应体有多少字节：收到这么多就完整了
        "Connection: close\r\n"  # 发完这个响应就关闭连接，别等下一个请求
        "\r\n"  # 空行：响应头结束，后面是响应体
    )
    conn.sendall(head.encode("ascii") + body)


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"HTTP 服务端已启动: http://{HOST}:{PORT}/", flush=True)
        while True:
            conn, addr = server.accept()
            with conn:  # with 块结束时关闭连接，说到做到（Connection: close）
                try:
                    request_head = read_request_head(conn)
                    print(f"--- 来自 {addr[0]}:{addr[1]} 的请求 ---", flush=True)
                    print(request_head, flush=True)
                    respond(conn, request_head)
                except ConnectionError as err:
                    print(f"连接异常断开: {err}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

import socket

HOST, PORT = "127.0.0.1", 2333
TEXT = "不要回答！！！不要回答！！！不要回答！！！"

# 路径 -> (中文那一行, 响应体用什么编码, Content-Type 怎么写, 页面里的 <meta>)
CASES = {
    "/none": (TEXT, "gb2312", "text/html", ""),  # 笔记的做法：GB2312 字节，不说编码
    "/guess": ("Price: 100 元", "gb2312", "text/html", ""),  # 同样不说编码，只夹了一个汉字
    "/wrong": (TEXT, "utf-8", "text/html; charset=gb2312", ""),  # 说了编码，可是说错了
    "/gb2312": (TEXT, "gb2312", "text/html; charset=gb2312", ""),  # GB2312 字节，如实说明
    "/meta": (TEXT, "gb2312", "text/html", '<meta charset="gb2312">\n'),  # 响应头没说，页面自己说
    "/": (TEXT, "utf-8", "text/html; charset=utf-8", ""),  # UTF-8 字节，如实说明
}


def page(path, text, encoding, content_type, meta):
    # 下面的 ASCII 行无论按什么编码读都不会乱，可以对照着看 <h1> 那一行
    return (
        f"<!doctype html>\n{meta}<h1>{text}</h1>\n"
        f"<p>path {path}: body bytes in {encoding}, Content-Type: {content_type}</p>\n"
        "<p>" + " ".join(f'<a href="{p}">{p}</a>' for p in CASES) + "</p>\n"
    )


def read_request_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(1024)
        if not chunk or len(data) > 64 * 1024:
            break
        data += chunk
    return data.partition(b"\r\n\r\n")[0].decode("utf-8", errors="replace")


def server():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(5)
        print(f"编码实验服务端已启动: http://{HOST}:{PORT}/none /guess /wrong /gb2312 /meta /", flush=True)
        while True:
            conn, _ = server.accept()
            with conn:
                try:
                    request_line = read_request_head(conn).split("\r\n")[0]
                    # 请求行形如 GET /none HTTP/1.1，中间那段就是路径
                    parts = request_line.split(" ")
                    path = parts[1] if len(parts) == 3 else "/"
                    if path not in CASES:
                        conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        print(f"{request_line} -> 404", flush=True)
                        continue
                    text, encoding, content_type, meta = CASES[path]
                    body = page(path, text, encoding, content_type, meta).encode(encoding)
                    head = (
                        "HTTP/1.1 200 OK\r\n"
                        f"Content-Type: {content_type}\r\n"
                        f"Content-Length: {len(body)}\r\n"
                        "Connection: close\r\n\r\n"
                    )
                    conn.sendall(head.encode("ascii") + body)
                    print(f"{request_line} -> {encoding} 字节, Content-Type: {content_type}", flush=True)
                except ConnectionError as err:
                    print(f"连接异常断开: {err}", flush=True)


if __name__ == "__main__":
    try:
        server()
    except KeyboardInterrupt:
        print("\n服务端已停止")

# 和 Server.cs 做同样的事，用 Python 标准库的 http.server。
# BaseHTTPRequestHandler 之于 Python，就像 HttpListener 之于 .NET：读请求、解析请求头都由它来做，
# 但响应头（包括 Content-Length 和分块）要我们自己写
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST, PORT = "127.0.0.1", 2333


class Handler(BaseHTTPRequestHandler):
    # 默认是 "HTTP/1.0"：每个响应之后关闭连接。改成 1.1，连接默认保持，
    # 于是每个响应都必须说清楚自己在哪里结束
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        print(f"--- 来自 {self.client_address[0]}:{self.client_address[1]} 的请求 ---", flush=True)
        print(self.requestline, flush=True)
        for name, value in self.headers.items():
            print(f"{name}: {value}", flush=True)
        routes = {"/": self.page, "/chunked": self.chunked, "/forgot": self.forgot, "/ws": self.websocket}
        routes.get(self.path, self.not_found)()

    def page(self):
        page = (
            "<!doctype html>\n<title>http.server</title>\n"
            "<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n"
            "<p>这个页面由 Python 的 http.server 发出。</p>\n"
        )
        body = page.encode("utf-8")
        self.send_response(200)  # 状态行，外加 Server 和 Date 两个头
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()  # 空行
        self.wfile.write(body)

    def chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in ["第一块\n", "第二块\n", "第三块\n"]:
            data = part.encode("utf-8")
            # 一块 = 十六进制的字节数 \r\n 数据 \r\n
            self.wfile.write(f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")
            self.wfile.flush()
            time.sleep(0.5)
        self.wfile.write(b"0\r\n\r\n")  # 长度为 0 的最后一块：响应到此结束

    def forgot(self):
        # 故意的错误：没有 Content-Length，也不分块，连接又保持着（HTTP/1.1），
        # 客户端不知道响应体在哪里结束，只能一直等
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write("忘了 Content-Length\n".encode("utf-8"))

    def websocket(self):
        # http.server 不懂 WebSocket 握手，只能拒绝（第 10 课自己实现握手）
        self.send_simple(501, "http.server 不支持 WebSocket\n")

    def not_found(self):
        self.send_simple(404, "Not Found\n")

    def send_simple(self, status, text):
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    # ThreadingHTTPServer：每个连接一个线程，一个一直不结束的响应不会挡住别人（第 7 课）
    with ThreadingHTTPServer((HOST, PORT), Handler) as server:
        try:
            print(f"http.server 已启动: http://{HOST}:{PORT}/", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\n服务端已停止")

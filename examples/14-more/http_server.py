from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST, PORT = "127.0.0.1", 2333


class Handler(BaseHTTPRequestHandler):
    # 标准库的 http.server：状态行和头部由 send_response/send_header 来写（第 5 课是手写的）
    def do_GET(self):
        agent = self.headers.get("User-Agent", "（没有）")
        print(f"{self.command} {self.path}  User-Agent: {agent}", flush=True)
        body = (
            "你好，这里是 Python 的 http.server 服务端。\n"
            f"你请求的是 {self.path}，你的 User-Agent 是 {agent}\n"
        ).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass  # 默认的访问日志写到 stderr；上面已经打印过了


if __name__ == "__main__":
    # HTTPServer 默认就设置了 SO_REUSEADDR（allow_reuse_address = True）
    with ThreadingHTTPServer((HOST, PORT), Handler) as server:
        try:
            print(f"Python http 服务端已启动: http://{HOST}:{PORT}/", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\n服务端已停止")

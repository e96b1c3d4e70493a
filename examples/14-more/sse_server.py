import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST, PORT = "127.0.0.1", 2333
INTERVAL = 2  # 每 2 秒产生一条新消息

# 最新一条消息的编号和内容。ticker 线程更新它，再叫醒所有在等的请求
latest = {"id": 0, "text": ""}
changed = threading.Condition()


def ticker():
    while True:
        time.sleep(INTERVAL)
        with changed:
            latest["id"] += 1
            latest["text"] = f"第 {latest['id']} 条消息，服务端时间 {time.strftime('%H:%M:%S')}"
            changed.notify_all()


def wait_after(last_id):
    """等到出现编号大于 last_id 的消息，返回 (编号, 内容)。"""
    with changed:
        changed.wait_for(lambda: latest["id"] > last_id)
        return latest["id"], latest["text"]


class Handler(BaseHTTPRequestHandler):
    # 默认的 protocol_version 是 HTTP/1.0：响应没有 Content-Length 时，连接关闭就是正文结束
    def do_GET(self):
        if self.path == "/events":
            self.server_sent_events()
        elif self.path == "/poll":
            self.long_poll()
        else:
            self.send_error(404, "try /events or /poll")

    def server_sent_events(self):
        # SSE：一个不结束的响应。每条事件是几行“字段: 值”，空行结束一条
        print(f"/events: 开始向 {self.peer()} 推送", flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        last_id = latest["id"]
        try:
            while True:
                last_id, text = wait_after(last_id)
                self.wfile.write(f"id: {last_id}\ndata: {text}\n\n".encode("utf-8"))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            print(f"/events: {self.peer()} 断开了", flush=True)

    def long_poll(self):
        # 长轮询：请求先挂着，等有新消息了才回一个普通的、有 Content-Length 的响应
        print(f"/poll: {self.peer()} 的请求先挂着，等下一条消息", flush=True)
        _, text = wait_after(latest["id"])
        body = (text + "\n").encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print(f"/poll: 已回复 {self.peer()}", flush=True)

    def peer(self):
        return f"{self.client_address[0]}:{self.client_address[1]}"

    def log_message(self, format, *args):
        pass  # 不要默认的访问日志


if __name__ == "__main__":
    threading.Thread(target=ticker, daemon=True).start()
    # 每个请求一个线程：推送中的 /events 不会挡住别的请求。
    # ThreadingHTTPServer 的 daemon_threads 默认是 True，所以 Ctrl-C 能马上退出（第 7 课）
    with ThreadingHTTPServer((HOST, PORT), Handler) as server:
        try:
            print(f"SSE 服务端已启动: http://{HOST}:{PORT}/events 和 /poll，每 {INTERVAL} 秒一条消息", flush=True)
            server.serve_forever()
        except KeyboardInterrupt:
            print("\n服务端已停止")

/**
 * 和 server.py 一样的服务端：收到一行就回一行大写，exit 只结束这一个连接。
 * 不用线程：一个进程、一个线程、一个事件循环，所有客户端同时被服务（第 9 课细讲）。
 */
import { createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const HOST = '127.0.0.1';
const PORT = 2333;
// 整个程序只有一个 JavaScript 线程，它的线程号就是进程号：所有客户端显示同一个数字
const me = `[线程 ${process.pid}]`;

/** 只把 ASCII 字母变成大写，和 Python 的 bytes.upper() 一样（汉字原样保留） */
function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (s) => s.toUpperCase());
}

function handle(conn: Socket): void {
  const peer = `${conn.remoteAddress}:${conn.remotePort}`;
  console.log(`${me} 客户端已连接: ${peer}`);
  // 一行一条消息：readline 把收到的数据按 \n 切开，半行先留着，等下一块数据
  const lines = createInterface({ input: conn, crlfDelay: Infinity });
  lines.on('line', (line) => {
    console.log(`${me} 收到 ${peer}: ${JSON.stringify(line)}`);
    if (line === 'exit') {
      // exit 只结束这一个连接：回一句 BYE，发完就关闭（和 Python 版的 handle() 返回一样）
      lines.close();
      conn.end('BYE\n', () => conn.destroy());
      return;
    }
    // write 会把数据全部发出（一时发不完就先排队），作用和 sendall 一样
    conn.write(`${asciiUpper(line)}\n`);
  });
  conn.on('error', (err) => console.log(`${me} 连接异常断开: ${peer}: ${err.message}`));
  conn.on('close', () => console.log(`${me} 客户端已断开: ${peer}`));
}

// 每来一个连接就调用一次 handle，然后立刻回去等下一个事件：
// 谁的数据先到就先处理谁，不需要为每个客户端开线程
const server = createServer(handle);
// Node 默认就设置了 SO_REUSEADDR，停掉以后马上能重启
server.listen(PORT, HOST, () => {
  console.log(`服务端已启动（Node，单线程事件循环），正在监听 ${HOST}:${PORT}`);
});

process.on('SIGINT', () => {
  // Ctrl-C：不等客户端，马上退出；操作系统会关闭所有连接
  console.log('\n服务端已停止');
  process.exit();
});

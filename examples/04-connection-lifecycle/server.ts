/**
 * 和 server.py 一样的服务端：读到 EOF 以后回复一共收到了什么，然后关闭连接。
 *
 * 和 Python 不一样的两点：
 * - Node 在 Linux 上监听时默认就设置了 SO_REUSEADDR，所以代码里没有这一步；
 * - Node 默认 allowHalfOpen: false：收到对方的 FIN（EOF）就自动把自己这边也关掉，之后再 write 会出错。
 *   这里要在 EOF 之后回复，所以打开 allowHalfOpen。
 */
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2333;

/** 等数据全部交给操作系统再返回，和 Python 的 sendall 一样 */
function sendall(conn: Socket, data: string): Promise<void> {
  return new Promise((resolve, reject) => conn.write(data, (err) => (err ? reject(err) : resolve())));
}

async function handle(conn: Socket): Promise<void> {
  const chunks: Buffer[] = [];
  // 每块数据相当于一次 recv()；对方关闭发送方向（EOF）时循环结束，相当于 recv() 返回 b''
  for await (const data of conn as AsyncIterable<Buffer>) {
    console.log(`recv() 收到 ${data.length} 字节: ${data.toString('utf8')}`);
    chunks.push(data);
  }
  console.log("recv() 返回 b''：客户端关闭了发送方向（EOF）");
  const received = Buffer.concat(chunks);
  await sendall(conn, `服务端一共收到 ${received.length} 字节: ${received.toString('utf8')}\n`);
  console.log('已回复，关闭连接');
}

// Node 的服务端同时处理所有连接：每来一个连接，就调用一次这个函数
const server = createServer({ allowHalfOpen: true }, async (conn) => {
  // 对方一连上就重置的话，这时已经拿不到它的地址了
  const peer = conn.remoteAddress ? `${conn.remoteAddress}:${conn.remotePort}` : '（对方已经断开）';
  console.log(`客户端已连接: ${peer}`);
  try {
    await handle(conn);
    conn.end(); // 发 FIN，相当于 close()
  } catch (err) {
    // 'error' 事件（ECONNRESET、EPIPE）在这里变成异常。没人处理的话，整个进程都会崩溃
    console.log(`连接异常断开: ${err instanceof Error ? err.message : String(err)}`);
    conn.destroy();
  }
});
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`服务端已启动，正在监听 ${HOST}:${PORT}`);

process.on('SIGINT', () => {
  // Ctrl-C：进程退出时，操作系统会关闭它打开的所有套接字
  console.log('\n服务端已停止');
  process.exit();
});

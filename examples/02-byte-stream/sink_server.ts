/**
 * 只收不回的服务端（端口 2334）：把收到的字节数加起来，对方关闭连接时报告一共收到多少、收了几次。
 * 和 sink_server.py 一样。配合 send_once.py / send_once.ts 使用。
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';

const HOST = '127.0.0.1';
const PORT = 2334;

const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`接收端已启动，正在监听 ${HOST}:${PORT}`);

process.on('SIGINT', () => {
  console.log('\n接收端已停止');
  process.exit();
});

for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`客户端已连接: ${conn.remoteAddress}:${conn.remotePort}`);
  let total = 0;
  let calls = 0;
  let biggest = 0;
  try {
    // 每块数据是 Node 的一次读取（最多 64 KiB），相当于一次 recv(65536)
    for await (const data of conn as AsyncIterable<Buffer>) {
      total += data.length;
      calls += 1;
      biggest = Math.max(biggest, data.length);
    }
  } catch (err) {
    console.log(`连接异常断开: ${err instanceof Error ? err.message : String(err)}`);
  }
  conn.destroy();
  console.log(`对方关闭了连接：一共收到 ${total} 字节，recv() 调用了 ${calls} 次，一次最多 ${biggest} 字节`);
}

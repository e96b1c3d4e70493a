/**
 * 把每次 recv(2048) 收到的数据当成“一条消息”，转成大写发回去。和 upper_server.py 一样。
 * 用法：node upper_server.ts [每次 recv 之前忙几秒，默认 0.5]
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;
// 每次 recv 之前先“忙”一会儿；这段时间里到达的字节都在缓冲区里排队。改成 0 试试
const BUSY = Number(process.argv[2] ?? 0.5);

/** 和 Python 的 bytes.upper() 一样，只把 a-z 变成 A-Z，其他字节不动 */
function upper(data: Buffer): Buffer {
  return Buffer.from(data.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b)));
}

// pauseOnConnect：新连接先不读，排队等前一个客户端离开，和 Python 版一样一次只服务一个客户端
const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`服务端已启动，正在监听 ${HOST}:${PORT}（每次 recv 之前先忙 ${BUSY} 秒）`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});

for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`客户端已连接: ${conn.remoteAddress}:${conn.remotePort}`);
  const receiver = new Receiver(conn);
  try {
    while (true) {
      await sleep(BUSY * 1000);
      // 最多 2048 字节；实际拿到多少，要看这时缓冲区里已经有多少
      const data = await receiver.recv(2048);
      if (data.length === 0) {
        console.log('recv(2048) 收到 0 字节: 客户端关闭了连接');
        break;
      }
      console.log(`recv(2048) 收到 ${data.length} 字节: ${preview(data)}`);
      // 把收到的这一块当成一条消息处理
      await sendall(conn, upper(data));
    }
  } catch (err) {
    // 客户端异常断开（第 4 课）
    console.log(`连接异常断开: ${err instanceof Error ? err.message : String(err)}`);
  }
  conn.destroy();
}

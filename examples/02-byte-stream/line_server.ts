/**
 * 按行分帧：每条消息以 "\n" 结尾。和 line_server.py 一样：
 * 收到的字节先攒进缓冲区，攒够一整行才当成一条消息处理，不管 recv 一次拿到的是半条还是好几条。
 * 用法：node line_server.ts [每次 recv 之前忙几秒，默认 0.5]
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;
const BUSY = Number(process.argv[2] ?? 0.5);
const NEWLINE = 0x0a;

/** 和 Python 的 bytes.upper() 一样，只把 a-z 变成 A-Z */
function upper(data: Buffer): Buffer {
  return Buffer.from(data.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b)));
}

async function handle(conn: Socket): Promise<void> {
  const receiver = new Receiver(conn);
  let buffer = Buffer.alloc(0); // 收到了、但还没凑成一整行的字节
  while (true) {
    await sleep(BUSY * 1000);
    const data = await receiver.recv(2048);
    if (data.length === 0) {
      console.log('recv(2048) 收到 0 字节: 客户端关闭了连接');
      if (buffer.length > 0) console.log(`  最后 ${buffer.length} 字节没有换行，不是一条完整的消息`);
      return;
    }
    console.log(`recv(2048) 收到 ${data.length} 字节`);
    buffer = Buffer.concat([buffer, data]);
    // 缓冲区里有几个完整的行，就处理几条消息
    let end: number;
    while ((end = buffer.indexOf(NEWLINE)) !== -1) {
      const line = buffer.subarray(0, end);
      buffer = buffer.subarray(end + 1);
      console.log(`  一条消息，${line.length} 字节: ${preview(line)}`);
      await sendall(conn, Buffer.concat([upper(line), Buffer.from('\n')])); // 回复也按行分帧
    }
    if (buffer.length > 0) console.log(`  还不够一行，先攒着（已有 ${buffer.length} 字节）`);
  }
}

const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`按行分帧的服务端已启动，正在监听 ${HOST}:${PORT}（每次 recv 之前先忙 ${BUSY} 秒）`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});

for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`客户端已连接: ${conn.remoteAddress}:${conn.remotePort}`);
  try {
    await handle(conn);
  } catch (err) {
    console.log(`连接异常断开: ${err instanceof Error ? err.message : String(err)}`);
  }
  conn.destroy();
}

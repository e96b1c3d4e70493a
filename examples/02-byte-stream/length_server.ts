/**
 * 长度前缀分帧：每条消息前面先放 4 个字节，写明消息体有多长。和 length_server.py 一样：
 * 先把字节攒进缓冲区，凑够“4 字节长度 + 那么长的消息体”才处理一条。消息体里可以有任何字节。
 * 用法：node length_server.ts [每次 recv 之前忙几秒，默认 0.5]
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { preview, Receiver, sendall } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;
const BUSY = Number(process.argv[2] ?? 0.5);
// 长度头：4 字节无符号整数，网络字节序（大端），和 Python 的 struct.Struct("!I") 一样
const HEADER_SIZE = 4;

/** 和 Python 的 bytes.upper() 一样，只把 a-z 变成 A-Z */
function upper(data: Buffer): Buffer {
  return Buffer.from(data.map((b) => (b >= 0x61 && b <= 0x7a ? b - 0x20 : b)));
}

function withHeader(body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

async function handle(conn: Socket): Promise<void> {
  const receiver = new Receiver(conn);
  let buffer = Buffer.alloc(0); // 收到了、但还没凑成一条完整消息的字节
  while (true) {
    await sleep(BUSY * 1000);
    const data = await receiver.recv(2048);
    if (data.length === 0) {
      console.log('recv(2048) 收到 0 字节: 客户端关闭了连接');
      if (buffer.length > 0) console.log(`  最后 ${buffer.length} 字节凑不成一条完整的消息`);
      return;
    }
    console.log(`recv(2048) 收到 ${data.length} 字节`);
    buffer = Buffer.concat([buffer, data]);
    // 先看长度头，再看消息体到齐了没有；到齐几条就处理几条
    while (buffer.length >= HEADER_SIZE) {
      const length = buffer.readUInt32BE(0);
      if (buffer.length < HEADER_SIZE + length) break;
      const body = buffer.subarray(HEADER_SIZE, HEADER_SIZE + length);
      buffer = buffer.subarray(HEADER_SIZE + length);
      console.log(`  一条消息，${length} 字节: ${preview(body)}`);
      await sendall(conn, withHeader(upper(body))); // 回复也带长度头
    }
    if (buffer.length > 0) console.log(`  消息还没收完，先攒着（已有 ${buffer.length} 字节）`);
  }
}

const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`长度前缀分帧的服务端已启动，正在监听 ${HOST}:${PORT}（每次 recv 之前先忙 ${BUSY} 秒）`);

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

/**
 * 用流式解码解码字节流：一块数据结尾的半个字符先留在解码器里，等下一块到了再拼起来。
 * 和 split_server_fixed.py 一样。（更省事的写法：conn.setEncoding('utf8')，'data' 事件直接给出字符串，
 * Node 在内部做的就是这件事。）
 */
import { on, once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { Receiver } from './recv.ts';

const HOST = '127.0.0.1';
const PORT = 2333;

const hex = (data: Buffer) => [...data].map((b) => b.toString(16).padStart(2, '0')).join(' ');

const server = createServer({ pauseOnConnect: true });
server.listen(PORT, HOST, 5);
await once(server, 'listening');
console.log(`服务端已启动，正在监听 ${HOST}:${PORT}`);

process.on('SIGINT', () => {
  console.log('\n服务端已停止');
  process.exit();
});

for await (const [conn] of on(server, 'connection') as AsyncIterable<[Socket]>) {
  console.log(`客户端已连接: ${conn.remoteAddress}:${conn.remotePort}`);
  const receiver = new Receiver(conn);
  // 每个连接一个解码器：它记得上一块结尾没解完的字节
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    while (true) {
      const data = await receiver.recv(1024);
      if (data.length === 0) {
        // 不带 stream 再调用一次：连接结束了，还剩半个字符的话就是真的坏了，这里会抛出异常
        decoder.decode();
        console.log('客户端关闭了连接');
        break;
      }
      console.log(`recv(1024) 收到 ${data.length} 字节，最后 3 个字节: ${hex(data.subarray(-3))}`);
      // stream: true：结尾不完整的字符先留着，不报错
      const text = decoder.decode(data, { stream: true });
      console.log(`  解码得到 ${[...text].length} 个字符，最后几个: ${[...text].slice(-5).join('')}`);
    }
  } catch (err) {
    console.log(`对方发来的不是合法的 UTF-8: ${err instanceof Error ? err.message : String(err)}`);
  }
  conn.destroy();
}
